// Builders for the sending and scheduling tests: a mailing with n clients, and an engine on the SMTP test server.
import type { Database } from '../../src/db/database.js';
import { createSmtpTransport, type SmtpTimeouts } from '../../src/mail/smtp-transport.js';
import type { MailTransport } from '../../src/mail/transport.js';
import type { Mailing, User } from '../../src/models/index.js';
import type { Periodicity } from '../../src/models/mailing.js';
import type { EngineDeps } from '../../src/sending/run-mailing.js';
import { silentLogger } from '../../src/log.js';
import { createUser, createMessage, createMailingRow } from './factories.js';

export const TEST_FROM = 'Mailing Service <no-reply@mailing.test>';
/** Short enough to keep tests quick, long enough for smtp-server's 100 ms greeting pause. */
export const FAST_TIMEOUTS = { connectionMs: 500, greetingMs: 300, socketMs: 400, sendMs: 3000 };
export const FAST_RETRY = { maxTries: 3, delayMs: () => 20 };
/** The engine's addresses and unsubscribe links in tests (the links point at http://mailing.test). */
export const TEST_IDENTITY = Object.freeze({ appUrl: 'http://mailing.test', unsubscribeSecret: 'test-unsubscribe-secret-0123456789', mailFrom: TEST_FROM });

export function testTransport(url: string, maxConnections = 3, timeouts: Partial<SmtpTimeouts> = FAST_TIMEOUTS): MailTransport {
  return createSmtpTransport({ url, from: TEST_FROM, pool: { maxConnections, maxMessages: 100 }, timeouts, logger: () => undefined });
}

export function testEngine(db: Database, transport: MailTransport, overrides: Partial<EngineDeps> = {}): EngineDeps {
  return { sequelize: db.sequelize, transport, log: silentLogger, identity: TEST_IDENTITY, retry: FAST_RETRY, concurrency: 3, messageIdDomain: 'mailing.test', ...overrides };
}

/** Inserts n clients of the owner in one statement (fast for thousands); returns their e-mails in id order. */
export async function insertClients(db: Database, owner: User, n: number, prefix = 'r'): Promise<string[]> {
  const rows = await db.sequelize.query<{ email: string }>(
    `INSERT INTO clients (owner_id, email, full_name, comment)
     SELECT $1, $2 || '-' || i || '@example.test', 'Recipient ' || i, '' FROM generate_series(1, $3) AS i
     RETURNING email`,
    { bind: [owner.id, `${prefix}${owner.id}`, n], type: 'SELECT' as never },
  );
  return rows.map((row) => row.email);
}

export async function linkAllClients(db: Database, mailing: Mailing): Promise<void> {
  await db.sequelize.query(
    'INSERT INTO mailing_clients (mailing_id, client_id) SELECT $1, id FROM clients WHERE owner_id = $2 ON CONFLICT DO NOTHING',
    { bind: [mailing.id, mailing.ownerId] },
  );
}

/** A mailing (row only, no job) to n fresh clients of a fresh user. */
export async function mailingTo(
  db: Database,
  n: number,
  options: { startAt?: Date; endAt?: Date; periodicity?: Periodicity; owner?: User; subject?: string } = {},
): Promise<{ owner: User; mailing: Mailing; emails: string[] }> {
  const owner = options.owner ?? (await createUser(db));
  const emails = await insertClients(db, owner, n, `r${Math.floor(Math.random() * 1e6)}x`);
  const message = await createMessage(db, owner, { subject: options.subject ?? 'Monthly news', body: 'Hello from the tests.' });
  const startAt = options.startAt ?? new Date(Date.now() - 60_000);
  const mailing = await createMailingRow(db, owner, {
    message,
    startAt,
    endAt: options.endAt ?? new Date(startAt.getTime() + 30 * 86_400_000),
    periodicity: options.periodicity ?? 'daily',
  });
  await linkAllClients(db, mailing);
  return { owner, mailing, emails };
}

/** A mailing to n clients whose run is due now (started an hour ago, next run = start): what a worker or `send` makes. */
export async function dueMailingTo(db: Database, n: number): Promise<{ owner: User; mailing: Mailing; emails: string[] }> {
  const made = await mailingTo(db, n, { startAt: new Date(Date.now() - 3_600_000) });
  await made.mailing.update({ status: 'running', nextRunAt: made.mailing.startAt });
  return made;
}

/** One recipient's delivery of a run, as the engine recorded it. */
export interface DeliveryRow {
  email: string;
  status: string;
  tries: number;
  response_code: number | null;
  response: string | null;
}

/** The deliveries of an attempt by e-mail, in id order. */
export async function deliveriesOf(db: Database, attemptId: number): Promise<Map<string, DeliveryRow>> {
  const rows = await db.sequelize.query<DeliveryRow>(
    'SELECT email, status, tries, response_code, response FROM deliveries WHERE attempt_id = $1 ORDER BY id',
    { bind: [attemptId], type: 'SELECT' as never },
  );
  return new Map(rows.map((row) => [row.email, row]));
}

/** A clock a test sets by hand. */
export function manualClock(start: Date): { now: () => Date; set(at: Date | string): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at);
    },
  };
}

/** Jobs of the Agenda PostgreSQL store, read straight from its table (what a restarted worker would find). */
export async function storedJobs(db: Database): Promise<Array<{ mailingId: number; nextRunAt: Date | null }>> {
  const exists = await db.sequelize.query<{ ok: boolean }>(`SELECT to_regclass('agenda_jobs') IS NOT NULL AS ok`, { type: 'SELECT' as never });
  if (!exists[0]?.ok) return [];
  const rows = await db.sequelize.query<{ mailing_id: string; next_run_at: Date | null }>(
    `SELECT data->>'mailingId' AS mailing_id, next_run_at FROM agenda_jobs WHERE name = 'send-mailing' ORDER BY 1`,
    { type: 'SELECT' as never },
  );
  return rows.map((row) => ({ mailingId: Number(row.mailing_id), nextRunAt: row.next_run_at }));
}
