// The end of a run this runner held: cancelled (by a person), handed over (lease lost, shutdown), or finished with
// its status, counts and the server's answer, the lease released.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from '../log.js';
import { settleCancelled } from './cancel-runs.js';
import { releaseAttempt } from './claim.js';
import type { RunOutcome } from './engine-types.js';

export interface RunEnd {
  sequelize: Sequelize;
  log: Logger;
  attemptId: number;
  mailingId: number;
  /** The lease holder's name. */
  me: string;
  /** Set when a person cancelled the run: the reason. */
  cancelled: string | undefined;
  /** Set when the run lost its lease or hands it over: the reason. */
  leaseLost: string | undefined;
  /** True when a person paused the run. */
  paused?: boolean;
}

/**
 * The deliveries a run did not get to because the mail server was found dead, with the server's state as the reason
 * ("not tried: …") and their tries as they were: they wait for a later try of the run (`retrying`, the next delay of
 * `laterDelaysMs` after `now`) while later tries are left, else they fail, and the run finishes as a failure
 * saying so (the next scheduled run, or the command line, sends to them again).
 */
export async function markNotTried(sequelize: Sequelize, attemptId: number, serverState: string, laterDelaysMs: readonly number[] = [], now = new Date()): Promise<void> {
  await sequelize.query(
    `UPDATE deliveries SET response = $2, updated_at = now(),
            status = CASE WHEN later_tries < cardinality($3::bigint[]) THEN 'retrying' ELSE 'failed' END,
            retry_at = CASE WHEN later_tries < cardinality($3::bigint[]) THEN $4::timestamptz + make_interval(secs => ($3::bigint[])[later_tries + 1] / 1000.0) END
     WHERE attempt_id = $1 AND status IN ('pending', 'sending')`,
    { bind: [attemptId, `not tried: the mail server failed for every recipient: ${serverState}`.slice(0, 2000), [...laterDelaysMs], now] },
  );
}

/** Ends the run once its send loop stopped and its results are written. */
export async function endRun(end: RunEnd): Promise<RunOutcome> {
  const { sequelize, log, attemptId, mailingId } = end;
  if (end.cancelled) {
    // the mails in flight are written as what they became; what this runner had taken and not sent is cancelled
    const counts = await settleCancelled(sequelize, attemptId);
    log.warn(`attempt ${attemptId} of mailing ${mailingId}: cancelled (${end.cancelled}) after ${counts.sent} of ${counts.total} sent`);
    return { kind: 'cancelled', attemptId, ...counts, reason: end.cancelled };
  }
  if (end.paused && !end.leaseLost) {
    // the mails in flight are written; what this runner had taken and not sent waits, `pending`, for a resume
    await sequelize.query(`UPDATE deliveries SET status = 'pending', updated_at = now() WHERE attempt_id = $1 AND status = 'sending'`, { bind: [attemptId] });
    await sequelize.query(`UPDATE attempts SET locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2`, { bind: [attemptId, end.me] });
    log.info(`attempt ${attemptId} of mailing ${mailingId}: paused`);
    return { kind: 'interrupted', attemptId, reason: 'the run was paused' };
  }
  if (end.leaseLost) {
    // hand the run over at once: what is flushed is final, the rest is sent by the next holder
    await releaseAttempt(sequelize, attemptId, end.me).catch(() => undefined);
    log.warn(`attempt ${attemptId} of mailing ${mailingId}: stopped, ${end.leaseLost}`);
    return { kind: 'interrupted', attemptId, reason: end.leaseLost };
  }
  return finishAttempt(sequelize, attemptId, end.me);
}

/**
 * Gives the attempt its status, counts and the server's answer from its deliveries, and releases the lease. When
 * some deliveries wait for a later try, the attempt stays open as `retrying`, due at the earliest of their tries
 * (or the mailing's end, when that comes first: later-retries.ts then closes the run).
 */
export async function finishAttempt(sequelize: Sequelize, attemptId: number, me: string): Promise<RunOutcome> {
  const [summary] = await sequelize.query<{
    total: number;
    sent: number;
    failed: number;
    unknown: number;
    skipped: number;
    unsubscribed: number;
    first_error: string | null;
    first_unknown: string | null;
    last_ok: string | null;
    waiting: number;
    first_waiting: string | null;
    next_retry_at: Date | null;
  }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'sent')::int AS sent,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status = 'unknown')::int AS unknown,
            count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
            count(*) FILTER (WHERE skip_reason = 'unsubscribed')::int AS unsubscribed,
            (SELECT coalesce(response_code::text || ' ', '') || coalesce(response, '') FROM deliveries
              WHERE attempt_id = $1 AND status = 'failed' ORDER BY id LIMIT 1) AS first_error,
            (SELECT response FROM deliveries WHERE attempt_id = $1 AND status = 'unknown' ORDER BY id LIMIT 1) AS first_unknown,
            (SELECT response FROM deliveries WHERE attempt_id = $1 AND status = 'sent' ORDER BY sent_at DESC, id DESC LIMIT 1) AS last_ok,
            count(*) FILTER (WHERE status = 'retrying')::int AS waiting,
            (SELECT coalesce(response_code::text || ' ', '') || coalesce(response, '') FROM deliveries
              WHERE attempt_id = $1 AND status = 'retrying' ORDER BY id LIMIT 1) AS first_waiting,
            least(min(retry_at) FILTER (WHERE status = 'retrying'),
                  (SELECT g.end_at FROM attempts a JOIN mailings g ON g.id = a.mailing_id WHERE a.id = $1)) AS next_retry_at
     FROM deliveries WHERE attempt_id = $1`,
    { bind: [attemptId], type: QueryTypes.SELECT },
  );
  const total = summary?.total ?? 0;
  const sent = summary?.sent ?? 0;
  const failed = summary?.failed ?? 0;
  const unknown = summary?.unknown ?? 0;
  const skipped = summary?.skipped ?? 0;
  const unsubscribed = summary?.unsubscribed ?? 0;
  // an unknown outcome is not a confirmed delivery: the run is a failure, its report says how many are unknown
  // (counted apart from failed_count, which stays the refusals and errors)
  // skipped recipients (unsubscribed, bounced) were meant not to be sent: they do not make a run a failure
  const waiting = summary?.waiting ?? 0;
  const nextRetryAt = waiting > 0 && summary?.next_retry_at ? new Date(summary.next_retry_at) : null;
  const status = nextRetryAt ? 'retrying' : failed === 0 && sent + skipped === total ? 'success' : 'failure';
  let serverResponse = (status === 'success' ? summary?.last_ok : summary?.first_error) ?? null;
  if (unknown > 0) {
    const unknownNote = `${unknown} unknown (sent, but the server gave no verdict; not resent): ${summary?.first_unknown ?? ''}`.trim();
    serverResponse = serverResponse?.trim() ? `${unknownNote} | first failure: ${serverResponse.trim()}` : unknownNote;
  }
  if (nextRetryAt) {
    const waitingNote = `${waiting} waiting for a later try, the next at ${nextRetryAt.toISOString()}: ${summary?.first_waiting ?? ''}`.trim();
    serverResponse = serverResponse?.trim() ? `${waitingNote} | ${serverResponse.trim()}` : waitingNote;
  }
  if (skipped > 0) {
    const skippedNote = `${skipped} skipped (${unsubscribed} unsubscribed, ${skipped - unsubscribed} bounced)`;
    serverResponse = serverResponse?.trim() ? `${serverResponse.trim()} | ${skippedNote}` : skippedNote;
  }
  const [row] = await sequelize.query<{ id: number }>(
    `UPDATE attempts SET status = $3, recipients_count = $4, sent_count = $5, failed_count = $6, server_response = $7,
            finished_at = CASE WHEN $8::timestamptz IS NULL THEN now() END, next_retry_at = $8,
            locked_by = NULL, locked_until = NULL, updated_at = now()
     WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
    { bind: [attemptId, me, status, total, sent, failed, serverResponse?.trim() || null, nextRetryAt], type: QueryTypes.SELECT },
  );
  if (!row) {
    // cancelled while its last results were written: the counts are redone with them
    const [state] = await sequelize.query<{ status: string }>('SELECT status FROM attempts WHERE id = $1', { bind: [attemptId], type: QueryTypes.SELECT });
    if (state?.status === 'cancelled') return { kind: 'cancelled', attemptId, ...(await settleCancelled(sequelize, attemptId)) };
    return { kind: 'interrupted', attemptId, reason: 'the run was taken over before it could be finished' };
  }
  return { kind: 'done', attemptId, status, total, sent, failed, unknown, skipped, waiting, nextRetryAt, serverResponse: serverResponse?.trim() || null };
}
