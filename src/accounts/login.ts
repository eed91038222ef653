// The back office's login check: the password against the slow hash, then whether the account may log in.
import { fn, col, where } from 'sequelize';
import type { Models } from '../models/index.js';
import { loadActor, type Actor } from '../access/policy.js';
import { LoginRefused } from '../errors.js';
import { verifyPassword } from './passwords.js';

// compared against when the e-mail is unknown, so both cases take the same (slow) time
const DUMMY_HASH = '$2b$12$C6UzMDM.H6dfI/f/IKcEeO5R7yX0J3r6P1x4N6v7G1Yx1q0JtQk3a';

export interface LoginInput {
  email: string;
  password: string;
}

export interface LoggedIn {
  actor: Actor;
  fullName: string;
  /** The person's own settings of the screens (null: the browser's language, the service's zone). */
  language: string | null;
  timeZone: string | null;
}

/**
 * The user behind an e-mail address and password, with their permissions, and their last login recorded; null for
 * an unknown address or a wrong password (the same answer, in the same time). Throws LoginRefused — only to
 * someone who gave the right password — when the account is blocked ('accountBlocked') or its address is not
 * confirmed ('emailNotConfirmed'): one-word messages the login page translates.
 */
export async function checkLogin(models: Pick<Models, 'User' | 'Group'>, input: LoginInput): Promise<LoggedIn | null> {
  const email = input.email.trim();
  if (email === '' || input.password === '') return null;
  const user = await models.User.findOne({ where: where(fn('lower', col('email')), email.toLowerCase()) });
  const matches = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !matches) return null;
  if (user.blockedAt) throw new LoginRefused('accountBlocked');
  if (!user.verifiedAt) throw new LoginRefused('emailNotConfirmed');
  const actor = await loadActor(models, user.id);
  if (!actor) return null;
  await models.User.update({ lastLoginAt: new Date() }, { where: { id: user.id } });
  return { actor, fullName: user.fullName, language: user.language ?? null, timeZone: user.timeZone ?? null };
}

/**
 * Why a logged-in user's session may not go on (their account changed since they logged in): the same one-word
 * reasons as a refused login, or 'accountGone' when the user no longer exists.
 */
export async function whySessionEnds(models: Pick<Models, 'User'>, userId: number): Promise<'accountBlocked' | 'emailNotConfirmed' | 'accountGone'> {
  const user = Number.isInteger(userId) && userId > 0 ? await models.User.findByPk(userId, { attributes: ['id', 'blockedAt', 'verifiedAt'] }) : null;
  if (!user) return 'accountGone';
  if (user.blockedAt) return 'accountBlocked';
  return user.verifiedAt ? 'accountGone' : 'emailNotConfirmed';
}
