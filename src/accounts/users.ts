// Creating and changing users (the back office's People screens): who may set which field, and the one password
// rule. A superuser sets e-mails, flags, verification and the groups a user is in; a person changes their own name,
// sender name, password, language and time zone.
import type { Models, User } from '../models/index.js';
import { assertCan, type Actor } from '../access/policy.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { hashNewPassword } from './passwords.js';
import { setUserGroups } from './groups.js';

export interface UserAccountsDeps {
  /** UserGroup, Group and sequelize: only for writes that set `groupIds`. */
  models: Pick<Models, 'User'> & Partial<Pick<Models, 'UserGroup' | 'Group' | 'sequelize'>>;
  /** bcrypt cost; tests lower it. */
  passwordCost?: number;
}

export interface NewUser {
  email: string;
  password: string;
  fullName?: string;
  isSuperuser?: boolean;
  verifiedAt?: Date | null;
  /** The groups the user is in (superusers only). */
  groupIds?: readonly number[];
}

export interface UserChanges {
  email?: string;
  /** A new password (checked by the one password rule); absent or empty keeps the old one. */
  password?: string;
  fullName?: string;
  /** The display name mails of this person's mailings come from (empty: their full name). */
  senderName?: string | null;
  /** The screens' language (empty: the browser's, else the service's). */
  language?: string | null;
  /** IANA time zone of the screens' date-times (empty: the service's). */
  timeZone?: string | null;
  isSuperuser?: boolean;
  verifiedAt?: Date | null;
  /** The groups the user is in afterwards, all of them (superusers only); absent: unchanged. */
  groupIds?: readonly number[];
}

const SUPERUSER_FIELDS: readonly (keyof UserChanges)[] = ['email', 'fullName', 'senderName', 'password', 'isSuperuser', 'verifiedAt', 'language', 'timeZone', 'groupIds'];
const OWN_PROFILE_FIELDS: readonly (keyof UserChanges)[] = ['fullName', 'senderName', 'password', 'language', 'timeZone'];

/** The fields an actor may write on a user: a superuser's (groups too), or a person's own (name and password). */
export function userFields(isSuperuser: boolean | undefined): readonly (keyof UserChanges)[] {
  return isSuperuser ? SUPERUSER_FIELDS : OWN_PROFILE_FIELDS;
}

function refuseOtherFields(actor: Actor, changes: UserChanges): void {
  const allowed = new Set<string>(userFields(actor.isSuperuser));
  const refused = Object.keys(changes).filter((key) => changes[key as keyof UserChanges] !== undefined && !allowed.has(key));
  if (refused.length > 0) throw new ForbiddenError(`You are not allowed to change ${refused.join(', ')} of a user.`);
}

/** A new user (superusers only); the password must pass the rule registration uses. */
export async function createUser(deps: UserAccountsDeps, actor: Actor, input: NewUser): Promise<User> {
  assertCan(actor, 'new', 'users');
  const passwordHash = await hashNewPassword(input.password, input.email ?? '', deps.passwordCost);
  const values = {
    email: input.email,
    fullName: input.fullName ?? '',
    passwordHash,
    isSuperuser: input.isSuperuser ?? false,
    verifiedAt: input.verifiedAt ?? null,
  };
  // the model checks the address and its uniqueness (the back office shows those on the field)
  if (input.groupIds === undefined) return deps.models.User.create(values as never);
  assertCan(actor, 'edit', 'groups'); // who may set a group's members may set a user's groups
  const models = groupModels(deps);
  return models.sequelize.transaction(async (transaction) => {
    const user = await deps.models.User.create(values as never, { transaction });
    await setUserGroups(models, user.id, input.groupIds!, transaction);
    return user;
  });
}

function groupModels(deps: UserAccountsDeps): Pick<Models, 'UserGroup' | 'Group' | 'sequelize'> {
  const { UserGroup, Group, sequelize } = deps.models;
  if (!UserGroup || !Group || !sequelize) throw new Error("setting a user's groups needs the UserGroup and Group models");
  return { UserGroup, Group, sequelize };
}

/**
 * Changes a user: the policy says whose (a person their own profile, a superuser anyone), the actor's fields say
 * what. `passwordChanged` tells the caller to end the other sessions of that user (src/accounts/sessions.ts).
 */
export async function updateUser(
  deps: UserAccountsDeps,
  actor: Actor,
  userId: number,
  changes: UserChanges,
): Promise<{ user: User; passwordChanged: boolean }> {
  const user = await deps.models.User.findByPk(userId);
  if (!user) throw new NotFoundError(`There is no user with id ${userId}.`);
  assertCan(actor, 'edit', 'users', { id: user.id, isSuperuser: user.isSuperuser });
  const { password, groupIds, ...rest } = changes;
  refuseOtherFields(actor, changes);
  const values: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  const passwordChanged = typeof password === 'string' && password !== '';
  // the new address when the superuser changes it together with the password, else the one on record
  if (passwordChanged) values.passwordHash = await hashNewPassword(password, rest.email ?? user.email, deps.passwordCost);
  if (groupIds === undefined) {
    await user.update(values);
    return { user, passwordChanged };
  }
  assertCan(actor, 'edit', 'groups'); // who may set a group's members may set a user's groups
  // the user's fields and groups together, or neither
  const models = groupModels(deps);
  await models.sequelize.transaction(async (transaction) => {
    await user.update(values, { transaction });
    await setUserGroups(models, user.id, groupIds, transaction);
  });
  return { user, passwordChanged };
}
