// The one door to "run this mailing now", for the back office's "send now" and the CLI's `send --mailing ID`.
import { QueryTypes } from 'sequelize';
import { ConflictError, NotFoundError } from '../errors.js';
import type { AttemptTrigger } from '../models/attempt.js';
import { isResumable, openAttempt, runAttempt, type EngineDeps, type RunOutcome } from './run-mailing.js';

export interface RunNowOptions {
  /** Who asked: `manual` (the back office), `cli` (the command line). */
  trigger: AttemptTrigger;
  /** When the run counts as made; now by default (a run of its own, the schedule is left as it is). */
  scheduledFor?: Date;
}

export interface StartedRun {
  attemptId: number;
  /** True when the mailing's interrupted run is finished instead of opening a new one. */
  resumed: boolean;
  /** Settles when the run is made (or stopped); never rejects for mail failures. */
  outcome: Promise<RunOutcome>;
}

const DEFAULT_LEASE_MS = 30_000;

async function progressOf(deps: Pick<EngineDeps, 'sequelize'>, attemptId: number): Promise<{ sent: number; total: number }> {
  const [progress] = await deps.sequelize.query<{ sent: number; total: number }>(
    `SELECT (SELECT count(*) FROM deliveries WHERE attempt_id = a.id AND status = 'sent')::int AS sent,
            CASE WHEN a.recipients_count > 0 THEN a.recipients_count
                 ELSE (SELECT count(*) FROM mailing_clients WHERE mailing_id = a.mailing_id)::int END AS total
     FROM attempts a WHERE a.id = $1`,
    { bind: [attemptId], type: QueryTypes.SELECT },
  );
  return progress ?? { sent: 0, total: 0 };
}

/**
 * Opens a run of the mailing now and starts sending it; the caller awaits `outcome` (the CLI) or lets it run in
 * the background (the back office). One unfinished run per mailing: an interrupted run nobody holds is resumed
 * instead, and while another process is sending the mailing a ConflictError says how far it got. A mailing
 * that does not exist is a NotFoundError; a disabled one or a blocked owner's is refused by the engine's own
 * re-check at run time (the outcome says why, and no attempt is left behind).
 */
export async function runMailingNow(deps: EngineDeps, mailingId: number, options: RunNowOptions): Promise<StartedRun> {
  const [exists] = await deps.sequelize.query<{ id: number }>('SELECT id FROM mailings WHERE id = $1', { bind: [mailingId], type: QueryTypes.SELECT });
  if (!exists) throw new NotFoundError(`Mailing #${mailingId} was not found`);
  const attempt = await openAttempt(deps.sequelize, mailingId, { scheduledFor: options.scheduledFor ?? new Date(), trigger: options.trigger });
  // a paused run is the mailing's unfinished run: only resume or cancel moves it on
  if (attempt.paused) throw new ConflictError("This mailing's run is paused: resume it or cancel it first.");
  if (attempt.retrying) throw new ConflictError("This mailing's run is waiting to try some recipients again later: wait for it to finish, or cancel it first.");
  if (!attempt.created && !(await isResumable(deps.sequelize, attempt.id, deps.leaseMs ?? DEFAULT_LEASE_MS))) {
    const { sent, total } = await progressOf(deps, attempt.id);
    throw new ConflictError(`This mailing is already sending (${sent} of ${total} sent): wait for the run to finish`);
  }
  if (!attempt.created) deps.log.info(`mailing ${mailingId}: resuming its interrupted attempt ${attempt.id} instead of opening another`);
  return { attemptId: attempt.id, resumed: !attempt.created, outcome: runAttempt(deps, attempt.id) };
}
