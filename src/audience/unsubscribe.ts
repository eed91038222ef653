// Personal unsubscribe links (RFC 8058): a token naming one client and its owner, signed with HMAC-SHA256, so it
// needs no login, no cookie and no stored row, and cannot be forged or guessed. Unsubscribing is per owner: the
// same address kept by another user still gets that user's mails.
import crypto from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Config } from '../config.js';
import { dataChanged } from '../events.js';
import { MAX_INTEGER_ID } from '../models/limits.js';

export type UnsubscribeConfig = Pick<Config, 'appUrl' | 'unsubscribeSecret'>;

/** What a token names. */
export interface UnsubscribeClaim {
  clientId: number;
  ownerId: number;
}

/** What the unsubscribe page shows of the client a valid token names. */
export interface UnsubscribeTarget extends UnsubscribeClaim {
  email: string;
  /** Whose mails these are: the owner's sender name (or full name). */
  senderName: string;
  unsubscribedAt: Date | null;
}

export type UnsubscribeLookup =
  /** Not a token we signed: forged, truncated, altered. */
  | { kind: 'invalid' }
  /** Signed by us, but the client is gone or is not (any longer) the named owner's. */
  | { kind: 'unknown' }
  | { kind: 'found'; target: UnsubscribeTarget };

// "<client id>.<owner id>.<43 base64url characters of HMAC-SHA256>"; the version is inside the signed text
const TOKEN = /^([1-9][0-9]{0,9})\.([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{43})$/;
const VERSION = 'unsubscribe:v1';

// the secret as a key object, made once (not per mail: a run signs one link per recipient)
let key: { secret: string; object: crypto.KeyObject } | undefined;

function mac(secret: string, clientId: number, ownerId: number): Buffer {
  if (key?.secret !== secret) key = { secret, object: crypto.createSecretKey(Buffer.from(secret, 'utf8')) };
  return crypto.createHmac('sha256', key.object).update(`${VERSION}:${clientId}:${ownerId}`).digest();
}

/** The token of a client's unsubscribe link. */
export function unsubscribeToken(secret: string, clientId: number, ownerId: number): string {
  if (!isId(clientId) || !isId(ownerId)) throw new RangeError(`unsubscribe token: bad ids ${clientId}/${ownerId}`);
  return `${clientId}.${ownerId}.${mac(secret, clientId, ownerId).toString('base64url')}`;
}

/** The client and owner a token names, when it is one we signed; undefined for anything else. */
export function readUnsubscribeToken(secret: string, token: unknown): UnsubscribeClaim | undefined {
  if (typeof token !== 'string') return undefined;
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const clientId = Number(match[1]);
  const ownerId = Number(match[2]);
  if (!isId(clientId) || !isId(ownerId)) return undefined;
  const given = Buffer.from(match[3]!, 'base64url');
  const expected = mac(secret, clientId, ownerId);
  // both 32 bytes (43 base64url characters always decode to 32), compared in constant time
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return undefined;
  return { clientId, ownerId };
}

/** The personal unsubscribe URL of a client of an owner: the footer link and the List-Unsubscribe header. */
export function unsubscribeUrl(config: UnsubscribeConfig, clientId: number, ownerId: number): string {
  return `${config.appUrl}/unsubscribe/${unsubscribeToken(config.unsubscribeSecret, clientId, ownerId)}`;
}

function isId(value: number): boolean {
  return Number.isInteger(value) && value > 0 && value <= MAX_INTEGER_ID;
}

interface TargetRow {
  email: string;
  sender_name: string;
  unsubscribed_at: Date | null;
}

async function target(sequelize: Sequelize, claim: UnsubscribeClaim): Promise<UnsubscribeLookup> {
  const [row] = await sequelize.query<TargetRow>(
    `SELECT c.email, coalesce(nullif(btrim(u.sender_name), ''), nullif(btrim(u.full_name), ''), u.email) AS sender_name, c.unsubscribed_at
     FROM clients c JOIN users u ON u.id = c.owner_id WHERE c.id = $1 AND c.owner_id = $2`,
    { bind: [claim.clientId, claim.ownerId], type: QueryTypes.SELECT },
  );
  if (!row) return { kind: 'unknown' };
  return { kind: 'found', target: { ...claim, email: row.email, senderName: row.sender_name, unsubscribedAt: row.unsubscribed_at } };
}

/** Reads what a token names without changing anything (what the GET of the page does). */
export async function lookUpUnsubscribe(sequelize: Sequelize, secret: string, token: unknown): Promise<UnsubscribeLookup> {
  const claim = readUnsubscribeToken(secret, token);
  return claim ? target(sequelize, claim) : { kind: 'invalid' };
}

/**
 * Unsubscribes the client the token names from its owner's mails, at once; a second call keeps the first date.
 * Runs snapshot after this skip the client (`skipped`, reason `unsubscribed`).
 */
export async function unsubscribe(sequelize: Sequelize, secret: string, token: unknown): Promise<UnsubscribeLookup> {
  const claim = readUnsubscribeToken(secret, token);
  if (!claim) return { kind: 'invalid' };
  const [, changed] = await sequelize.query(
    `UPDATE clients SET unsubscribed_at = now(), updated_at = now() WHERE id = $1 AND owner_id = $2 AND unsubscribed_at IS NULL`,
    { bind: [claim.clientId, claim.ownerId], type: QueryTypes.UPDATE },
  );
  if (changed > 0) dataChanged('client');
  return target(sequelize, claim);
}

/** Undoes an unsubscribe: only the recipient can, from the page their link opens (the back office cannot). */
export async function resubscribe(sequelize: Sequelize, secret: string, token: unknown): Promise<UnsubscribeLookup> {
  const claim = readUnsubscribeToken(secret, token);
  if (!claim) return { kind: 'invalid' };
  const [, changed] = await sequelize.query(
    `UPDATE clients SET unsubscribed_at = NULL, updated_at = now() WHERE id = $1 AND owner_id = $2 AND unsubscribed_at IS NOT NULL`,
    { bind: [claim.clientId, claim.ownerId], type: QueryTypes.UPDATE },
  );
  if (changed > 0) dataChanged('client');
  return target(sequelize, claim);
}
