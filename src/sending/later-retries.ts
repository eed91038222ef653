// Later retries (issue 14 point 4): a temporary failure still failing after the run's own retries (retry-policy.ts),
// and a recipient not tried because the server was found dead, is tried again LATER, as part of the same run —
// after 5, 30 and 120 minutes by default (RETRY_LATER), within the mailing's window.
//
// The model. Such a delivery becomes `retrying` with `retry_at` (its next try) and keeps each try's server answer in
// delivery_tries. When the run's send loop ends with deliveries waiting, the attempt stays open as `retrying`, its
// lease released (no process holds it while it waits), `next_retry_at` the earliest of their tries or the mailing's
// end if that comes first (finish.ts). The sweep of every process (the scheduler's resume sweep in web and worker,
// and `cli.js send`: planner.resumeUnfinished) calls reopenDueRetries(): an attempt whose next try is due is turned
// back to `running` with an expired lease, and ONLY its due deliveries back to `pending` (their later-try count one
// up), in one transaction whose UPDATE … WHERE status = 'retrying' only one process can win; the run is then taken
// like a takeover (claim.ts: one lease holder), so two processes never both send it. A delivery already `sent`, or
// `unknown` (the server may have kept it), is never `retrying`, so never sent again. After the last later try a
// temporary failure fails for good, and the attempt finishes with its final counts. When the mailing's end (or its
// deletion) comes before the next try, the run is closed: its waiting deliveries fail with "the mailing's window
// ended". Pause, cancel and a manager's disable apply to a `retrying` run as to a running one (pause.ts,
// cancel-runs.ts).
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from '../log.js';
import { runnerName } from './claim.js';
import { finishAttempt } from './finish.js';
import type { RunOutcome } from './engine-types.js';

/** RETRY_LATER's default: 5, 30 and 120 minutes. */
export const DEFAULT_RETRY_LATER_MS: readonly number[] = [5 * 60_000, 30 * 60_000, 120 * 60_000];

/** The reason a waiting delivery fails with when its run is closed by the mailing's end. */
export const WINDOW_ENDED = "the mailing's window ended before its next try";

/** When a delivery that had `laterTries` later tries is tried next, or undefined when none is left. */
export function laterRetryPlan(delaysMs: readonly number[], clock: () => Date): (laterTries: number) => Date | undefined {
  return (laterTries) => {
    const delay = delaysMs[laterTries];
    return delay === undefined ? undefined : new Date(clock().getTime() + delay);
  };
}

export interface ReopenedRetries {
  /** Attempts whose due deliveries are `pending` again: the resume sweep sends them. */
  reopened: number[];
  /** Attempts closed because the mailing's window ended (or the mailing is gone) before their next try. */
  closed: Array<{ attemptId: number; mailingId: number | null; outcome: RunOutcome }>;
}

/**
 * Reopens the `retrying` attempts whose next try is due at `now` (only their due deliveries), and closes those whose
 * mailing ended first. Safe to call from every process at once: each attempt is reopened or closed by one.
 */
export async function reopenDueRetries(sequelize: Sequelize, now: Date, log: Logger, workerId?: string): Promise<ReopenedRetries> {
  const due = await sequelize.query<{ id: number; mailing_id: number | null; ended: boolean }>(
    `SELECT a.id, a.mailing_id, (g.id IS NULL OR g.end_at <= $1) AS ended
     FROM attempts a LEFT JOIN mailings g ON g.id = a.mailing_id
     WHERE a.status = 'retrying' AND a.next_retry_at <= $1 ORDER BY a.next_retry_at, a.id`,
    { bind: [now], type: QueryTypes.SELECT },
  );
  const result: ReopenedRetries = { reopened: [], closed: [] };
  for (const attempt of due) {
    if (attempt.ended) {
      const outcome = await closeRetrying(sequelize, attempt.id, now, log, workerId);
      if (outcome) result.closed.push({ attemptId: attempt.id, mailingId: attempt.mailing_id, outcome });
      continue;
    }
    const reopened = await sequelize.transaction(async (transaction) => {
      const [row] = await sequelize.query<{ id: number }>(
        `UPDATE attempts SET status = 'running', next_retry_at = NULL, locked_by = NULL,
                locked_until = now() - interval '1 second', updated_at = now()
         WHERE id = $1 AND status = 'retrying' AND next_retry_at <= $2 RETURNING id`,
        { bind: [attempt.id, now], type: QueryTypes.SELECT, transaction },
      );
      if (!row) return false;
      await sequelize.query(
        `UPDATE deliveries SET status = 'pending', later_tries = later_tries + 1, retry_at = NULL, updated_at = now()
         WHERE attempt_id = $1 AND status = 'retrying' AND retry_at <= $2`,
        { bind: [attempt.id, now], transaction },
      );
      return true;
    });
    if (reopened) {
      log.info(`attempt ${attempt.id}: its later try is due, the waiting recipients go again`);
      result.reopened.push(attempt.id);
    }
  }
  return result;
}

/** Closes a waiting run whose mailing ended (or was deleted) before its next try: the waiting deliveries fail, the attempt finishes. */
async function closeRetrying(sequelize: Sequelize, attemptId: number, now: Date, log: Logger, workerId?: string): Promise<RunOutcome | undefined> {
  const me = runnerName(workerId);
  // taken like a run (status `running`, this runner's lease) in one statement, so that no other process takes it
  // meanwhile and finishAttempt's guarded update applies
  const [row] = await sequelize.query<{ id: number }>(
    `UPDATE attempts SET status = 'running', next_retry_at = NULL, locked_by = $3, locked_until = now() + interval '1 minute', updated_at = now()
     WHERE id = $1 AND status = 'retrying' AND next_retry_at <= $2 RETURNING id`,
    { bind: [attemptId, now, me], type: QueryTypes.SELECT },
  );
  if (!row) return undefined;
  await sequelize.query(
    `UPDATE deliveries SET status = 'failed', retry_at = NULL, updated_at = now(),
            response = left($2 || coalesce(' (last answer: ' || coalesce(response_code::text || ' ', '') || response || ')', ''), 2000)
     WHERE attempt_id = $1 AND status = 'retrying'`,
    { bind: [attemptId, WINDOW_ENDED] },
  );
  log.info(`attempt ${attemptId}: ${WINDOW_ENDED}; the run is closed`);
  return finishAttempt(sequelize, attemptId, me);
}
