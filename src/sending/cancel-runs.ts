// Stops runs that are sending (spec rule 5): a manager disabled the mailing, its owner was blocked, or it was deleted.
//
// The model: the attempt becomes `cancelled`, with who (cancelled_by_id) and why (cancel_reason, "disabled by
// manager@example.com"); its deliveries not yet sent become `cancelled` with the reason as their response. A
// cancelled run is finished: nothing resumes it. The domain functions call cancelRuns() in the transaction of
// their change, so the change and the stop are one fact. The process sending the run (any process) sees the
// attempt's status within a second (run-mailing.ts polls it), drops its queue, and records the mails that were
// already in flight as what they became (`sent` or `failed`), then recounts the attempt (recountAttempt).
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export interface Cancellation {
  /** The person who stopped the run (null when it was the system). */
  byId: number | null;
  /** Why, in words a report can show: "disabled by manager@example.com". */
  reason: string;
}

export type RunsOf = { mailingId: number } | { ownerId: number };

/** Cancels the unfinished (running, paused or waiting for later tries) runs of a mailing or of every mailing of an owner; returns the attempt ids cancelled. */
export async function cancelRuns(sequelize: Sequelize, which: RunsOf, cancellation: Cancellation, transaction?: Transaction): Promise<number[]> {
  const column = 'mailingId' in which ? 'mailing_id' : 'owner_id';
  const key = 'mailingId' in which ? which.mailingId : which.ownerId;
  const stopped = await sequelize.query<{ id: number }>(
    `UPDATE attempts SET status = 'cancelled', cancelled_by_id = $2, cancel_reason = $3, finished_at = now(), next_retry_at = NULL,
            locked_by = NULL, locked_until = NULL, updated_at = now()
     WHERE ${column} = $1 AND status IN ('running', 'paused', 'retrying') RETURNING id`,
    { bind: [key, cancellation.byId, cancellation.reason], type: QueryTypes.SELECT, transaction },
  );
  const ids = stopped.map((row) => row.id);
  if (ids.length === 0) return ids;
  await sequelize.query(
    `UPDATE deliveries SET status = 'cancelled', response = $2, updated_at = now()
     WHERE attempt_id = ANY($1::int[]) AND status IN ('pending', 'sending', 'retrying')`,
    { bind: [ids, `not sent: ${cancellation.reason}`], transaction },
  );
  for (const id of ids) await recountAttempt(sequelize, id, transaction);
  return ids;
}

/**
 * After a cancelled run's sender stopped: its deliveries it had taken but not sent become `cancelled` too (a
 * cancellation racing the sender's read of its next batch can leave some `sending`), and the counts are redone.
 */
export async function settleCancelled(sequelize: Sequelize, attemptId: number): Promise<{ total: number; sent: number; failed: number; reason: string }> {
  await sequelize.query(
    `UPDATE deliveries d SET status = 'cancelled', response = 'not sent: ' || coalesce(a.cancel_reason, 'the run was cancelled'), updated_at = now()
     FROM attempts a WHERE a.id = $1 AND d.attempt_id = a.id AND d.status IN ('pending', 'sending', 'retrying')`,
    { bind: [attemptId] },
  );
  const counts = await recountAttempt(sequelize, attemptId);
  return counts;
}

/** Sets the attempt's recipients/sent/failed counts from its deliveries. */
export async function recountAttempt(
  sequelize: Sequelize,
  attemptId: number,
  transaction?: Transaction,
): Promise<{ total: number; sent: number; failed: number; reason: string }> {
  const [row] = await sequelize.query<{ total: number; sent: number; failed: number; reason: string | null }>(
    `UPDATE attempts a SET recipients_count = c.total, sent_count = c.sent, failed_count = c.failed, updated_at = now()
     FROM (SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'sent')::int AS sent,
                  count(*) FILTER (WHERE status = 'failed')::int AS failed
           FROM deliveries WHERE attempt_id = $1) c
     WHERE a.id = $1
     RETURNING c.total, c.sent, c.failed, a.cancel_reason AS reason`,
    { bind: [attemptId], type: QueryTypes.SELECT, transaction },
  );
  return { total: row?.total ?? 0, sent: row?.sent ?? 0, failed: row?.failed ?? 0, reason: row?.reason ?? 'the run was cancelled' };
}
