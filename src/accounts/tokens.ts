// Single-use, expiring account tokens: the random value goes in the link, only its SHA-256 is stored.
import crypto from 'node:crypto';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import type { Models } from '../models/index.js';
import type { TokenPurpose } from '../models/account-token.js';

export const TOKEN_TTL_MS: Readonly<Record<TokenPurpose, number>> = Object.freeze({
  verify: 48 * 3600_000,
  reset: 3600_000,
});

/** 32 random bytes, URL-safe: what the e-mail's link carries. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Issues a new token for the user and purpose; earlier unused ones of that purpose stop working,
 * so only the newest e-mail's link is valid.
 */
export async function issueToken(
  models: Pick<Models, 'AccountToken' | 'sequelize'>,
  userId: number,
  purpose: TokenPurpose,
  options: { ttlMs?: number; now?: Date } = {},
): Promise<string> {
  const now = options.now ?? new Date();
  const token = crypto.randomBytes(32).toString('base64url');
  await models.sequelize.transaction(async (transaction) => {
    await models.AccountToken.update({ usedAt: now }, { where: { userId, purpose, usedAt: { [Op.is]: null } }, transaction });
    await models.AccountToken.create(
      { userId, purpose, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + (options.ttlMs ?? TOKEN_TTL_MS[purpose])) },
      { transaction },
    );
  });
  return token;
}

/** The user id a still-valid token belongs to, without using it up (what a GET may do). */
export async function peekToken(models: Pick<Models, 'AccountToken'>, token: string, purpose: TokenPurpose): Promise<number | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const row = await models.AccountToken.findOne({
    where: { tokenHash: hashToken(token), purpose, usedAt: { [Op.is]: null }, expiresAt: { [Op.gt]: new Date() } },
    attributes: ['userId'],
  });
  return row?.userId;
}

/** The user id a token was issued to, used, expired or not (undefined: no such token). */
export async function tokenOwner(models: Pick<Models, 'AccountToken'>, token: string, purpose: TokenPurpose): Promise<number | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const row = await models.AccountToken.findOne({ where: { tokenHash: hashToken(token), purpose }, attributes: ['userId'] });
  return row?.userId;
}

/**
 * Uses the token up and returns its user id, or undefined when it is unknown, expired or already used.
 * One conditional UPDATE: two concurrent uses cannot both succeed.
 */
export async function consumeToken(
  models: Pick<Models, 'sequelize'>,
  token: string,
  purpose: TokenPurpose,
  transaction?: Transaction,
): Promise<number | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const rows = await models.sequelize.query<{ user_id: number }>(
    `UPDATE account_tokens SET used_at = now()
      WHERE token_hash = :hash AND purpose = :purpose AND used_at IS NULL AND expires_at > now()
      RETURNING user_id`,
    { replacements: { hash: hashToken(token), purpose }, type: QueryTypes.SELECT, transaction },
  );
  return rows[0]?.user_id;
}
