// The run's recipients, frozen once into `deliveries` (one `pending` row per client): a resumed run keeps its first snapshot.
import { QueryTypes, type Sequelize } from 'sequelize';

/**
 * Freezes the recipients of `mailingId` into deliveries of `attemptId` and records their number on the attempt, in
 * ONE statement (so the rows and the count are one fact), and returns that number. Idempotent: rows already there
 * (a snapshot whose process died before it could be used) are kept and counted. The count is every delivery row of
 * the run, whatever its status.
 *
 * The seam for the audience: change the SELECT of `frozen` to resolve who receives the run (tags, every client…);
 * a client that must not be mailed can be inserted with another status (and its reason in `response`), it is then
 * counted but never picked by the send loop, which only takes `pending` and `sending` rows.
 */
export async function snapshotRecipients(sequelize: Sequelize, attemptId: number, mailingId: number): Promise<number> {
  // the UPDATE cannot see the rows its WITH inserts (one snapshot per statement): earlier rows + the new ones
  const [row] = await sequelize.query<{ n: number }>(
    `WITH frozen AS (
       INSERT INTO deliveries (attempt_id, client_id, email)
       SELECT $1, c.id, c.email FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id WHERE mc.mailing_id = $2
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
