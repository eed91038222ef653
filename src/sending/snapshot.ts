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
 */
export async function snapshotRecipients(sequelize: Sequelize, attemptId: number, mailingId: number): Promise<number> {
  // the UPDATE cannot see the rows its WITH inserts (one snapshot per statement): earlier rows + the new ones
  const [row] = await sequelize.query<{ n: number }>(
    `WITH frozen AS (
       INSERT INTO deliveries (attempt_id, client_id, email, status, skip_reason)
       SELECT $1, c.id, c.email,
              CASE WHEN c.unsubscribed_at IS NOT NULL OR c.bounced_at IS NOT NULL THEN 'skipped' ELSE 'pending' END,
              CASE WHEN c.unsubscribed_at IS NOT NULL THEN 'unsubscribed' WHEN c.bounced_at IS NOT NULL THEN 'bounced' END
       FROM clients c WHERE c.owner_id = ${mailingOwnerSql('$2')} AND c.id IN (${audienceIdsSql('$2')})
       ORDER BY c.id
       ON CONFLICT ON CONSTRAINT deliveries_one_per_client DO NOTHING
       RETURNING 1
     )
     UPDATE attempts SET recipients_count = (SELECT count(*) FROM deliveries WHERE attempt_id = $1) + (SELECT count(*) FROM frozen),
            updated_at = now()
     WHERE id = $1 RETURNING recipients_count AS n`,
    { bind: [attemptId, mailingId], type: QueryTypes.SELECT },
  );
  return row?.n ?? 0;
}
