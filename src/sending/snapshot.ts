// The run's recipients, frozen once into `deliveries` (one `pending` row per client; `skipped` with the reason for an
// unsubscribed or bounced one): a resumed run keeps its first snapshot.
import { QueryTypes, type Sequelize } from 'sequelize';
import { audienceIdsSql, mailingOwnerSql } from '../mailings/recipients.js';

/**
 * Freezes the recipients of `mailingId` into deliveries of `attemptId` and records their number on the attempt, in
 * ONE statement (so the rows and the count are one fact), and returns that number. Idempotent: rows already there
 * (a snapshot whose process died before it could be used) are kept and counted. The count is every delivery row of
 * the run, whatever its status.
 *
 * Who receives the run is resolved here, when it starts (src/mailings/recipients.ts, audienceIdsSql): the mailing's
 * chosen clients, every client with one of its tags, every client of its owner when it goes to all; each once.
 * A client that must not be mailed can be inserted with another status (and its reason in `response`), it is then
 * counted but never picked by the send loop, which only takes `pending` and `sending` rows.
 *
 * The rows are written by a plain INSERT, not `ON CONFLICT … DO NOTHING`: a speculative insertion costs an extra
 * index probe and WAL record per row (a fifth more of both at 100,000 rows). A snapshot is one statement, so a run
 * has all its rows or none; the attempt's row is locked first, so a second snapshot of the same run (a lease taken
 * over while the first was writing) waits for the first to commit, then sees its rows and writes nothing. The
 * rows' keys (their attempt and clients exist, locked against a concurrent delete) are checked once for the whole
 * statement by the triggers of migration 20261127100000, not row by row as a declared foreign key would.
 */
export async function snapshotRecipients(sequelize: Sequelize, attemptId: number, mailingId: number): Promise<number> {
  return sequelize.transaction(async (transaction) => {
    await sequelize.query('SELECT id FROM attempts WHERE id = $1 FOR NO KEY UPDATE', { bind: [attemptId], type: QueryTypes.SELECT, transaction });
    // the recipients are sorted by id (deliveries in the clients' order); 100,000 ids spilled to disk at 4 MB
    await sequelize.query("SET LOCAL work_mem = '32MB'", { transaction });
    // the UPDATE cannot see the rows its WITH inserts (one snapshot per statement): earlier rows + the new ones
    const [row] = await sequelize.query<{ n: number }>(
      `WITH earlier AS (SELECT count(*) AS n FROM deliveries WHERE attempt_id = $1),
       frozen AS (
         INSERT INTO deliveries (attempt_id, client_id, email, status, skip_reason)
         SELECT $1, c.id, c.email,
                CASE WHEN c.unsubscribed_at IS NOT NULL OR c.bounced_at IS NOT NULL THEN 'skipped' ELSE 'pending' END,
                CASE WHEN c.unsubscribed_at IS NOT NULL THEN 'unsubscribed' WHEN c.bounced_at IS NOT NULL THEN 'bounced' END
         FROM clients c WHERE c.owner_id = ${mailingOwnerSql('$2')} AND c.id IN (${audienceIdsSql('$2')})
           AND (SELECT n FROM earlier) = 0
         ORDER BY c.id
         RETURNING 1
       )
       UPDATE attempts SET recipients_count = (SELECT n FROM earlier) + (SELECT count(*) FROM frozen),
              updated_at = now()
       WHERE id = $1 RETURNING recipients_count AS n`,
      { bind: [attemptId, mailingId], type: QueryTypes.SELECT, transaction },
    );
    return row?.n ?? 0;
  });
}
