// The benchmark's mailing: one user, one message, n clients, all linked (inserted in four statements).
import type { Database } from '../src/db/database.js';

/** Returns the mailing's id; it starts at `startAt` (now by default), daily, for 30 days. */
export async function prepareMailing(db: Database, n: number, subject: string, body: string, startAt?: Date): Promise<number> {
  const q = (sql: string, bind: unknown[]) => db.sequelize.query(sql, { bind });
  const [[user]] = (await q(
    `INSERT INTO users (email, password_hash, full_name, verified_at, is_superuser) VALUES ($1, 'x', 'Bench', now(), false) RETURNING id`,
    [`bench-${n}-${Date.now()}-${process.pid}@mailing.test`],
  )) as [Array<{ id: number }>, unknown];
  const [[message]] = (await q(`INSERT INTO messages (owner_id, subject, body) VALUES ($1, $2, $3) RETURNING id`, [user!.id, subject, body])) as [
    Array<{ id: number }>,
    unknown,
  ];
  await q(
    `INSERT INTO clients (owner_id, email, full_name, comment) SELECT $1::int, 'c' || $1::text || '-' || i || '@example.test', 'Client ' || i, '' FROM generate_series(1, $2) AS i`,
    [user!.id, n],
  );
  const [[mailing]] = (await q(
    `INSERT INTO mailings (owner_id, message_id, start_at, end_at, periodicity) VALUES ($1, $2, coalesce($3::timestamptz, now()), now() + interval '30 days', 'daily') RETURNING id`,
    [user!.id, message!.id, startAt ?? null],
  )) as [Array<{ id: number }>, unknown];
  await q(`INSERT INTO mailing_clients (mailing_id, client_id) SELECT $1, id FROM clients WHERE owner_id = $2`, [mailing!.id, user!.id]);
  return mailing!.id;
}
