// One log line when a run starts in this process and one when it ends here, with its ids and counts, and the
// run metrics (duration, scheduler lag) fed at the same two points. The engine calls these two functions only.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from '../log.js';
import type { EngineMetrics } from '../observability/metrics.js';
import type { RunOutcome } from './engine-types.js';

export interface RunLogDeps {
  sequelize: Sequelize;
  log: Logger;
  metrics?: EngineMetrics;
}

interface AttemptFacts {
  mailing_id: number | null;
  owner_id: number | null;
  trigger: string;
  scheduled_for: Date;
  recipients_count: number;
  /** Seconds from the due time to the attempt's opening. */
  lag_s: number;
  /** Seconds from the attempt's opening to its end (or now, when it is not finished). */
  duration_s: number;
}

async function facts(sequelize: Sequelize, attemptId: number): Promise<AttemptFacts | undefined> {
  const [row] = await sequelize.query<AttemptFacts>(
    `SELECT mailing_id, owner_id, trigger, scheduled_for, recipients_count,
            extract(epoch FROM attempted_at - scheduled_for)::float8 AS lag_s,
            extract(epoch FROM coalesce(finished_at, now()) - attempted_at)::float8 AS duration_s
     FROM attempts WHERE id = $1`,
    { bind: [attemptId], type: QueryTypes.SELECT },
  );
  return row;
}

/** After the run's lease was taken: "run started" (or resumed), and the scheduler's lag for a first scheduled start. */
export async function logRunStart(deps: RunLogDeps, attemptId: number): Promise<void> {
  try {
    const run = await facts(deps.sequelize, attemptId);
    if (!run) return;
    // its recipients are snapshot at the first start: a run that has them was started before (and is resumed)
    const resumed = run.recipients_count > 0;
    if (!resumed && run.trigger === 'schedule') deps.metrics?.schedulerLag(run.lag_s);
    deps.log.info(resumed ? 'run resumed' : 'run started', {
      event: 'run.start',
      attemptId,
      mailingId: run.mailing_id,
      ownerId: run.owner_id,
      trigger: run.trigger,
      scheduledFor: new Date(run.scheduled_for).toISOString(),
      resumed,
    });
  } catch (error) {
    // a log line is never worth a run
    deps.log.warn(`attempt ${attemptId}: could not log its start: ${String(error)}`);
  }
}

/** When runAttempt returns: "run ended" with the counts (or "run stopped here" when another process goes on). */
export async function logRunEnd(deps: RunLogDeps, outcome: RunOutcome): Promise<void> {
  if (outcome.kind === 'skipped' || outcome.attemptId === undefined) return;
  const { attemptId } = outcome;
  try {
    const run = await facts(deps.sequelize, attemptId);
    let counts: { total: number; sent: number; failed: number; unknown: number };
    if (outcome.kind === 'done') {
      counts = outcome;
    } else {
      // a stopped run's outcome does not carry every count: read from its deliveries (an index-only count)
      const [row] = await deps.sequelize.query<{ total: number; sent: number; failed: number; unknown: number }>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'sent')::int AS sent,
                count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE status = 'unknown')::int AS unknown
         FROM deliveries WHERE attempt_id = $1`,
        { bind: [attemptId], type: QueryTypes.SELECT },
      );
      counts = row ?? { total: 0, sent: 0, failed: 0, unknown: 0 };
    }
    const result = outcome.kind === 'done' ? outcome.status : outcome.kind;
    const durationS = run?.duration_s ?? 0;
    if (outcome.kind !== 'interrupted') deps.metrics?.runFinished(result, durationS);
    const line = {
      event: 'run.end',
      attemptId,
      mailingId: run?.mailing_id ?? null,
      ownerId: run?.owner_id ?? null,
      trigger: run?.trigger ?? null,
      result,
      total: counts.total,
      sent: counts.sent,
      failed: counts.failed,
      unknown: counts.unknown,
      durationMs: Math.round(durationS * 1000),
      ...(outcome.kind === 'done' ? {} : { reason: outcome.reason }),
      ...(outcome.kind === 'done' && outcome.nextRetryAt ? { waiting: outcome.waiting, nextRetryAt: outcome.nextRetryAt.toISOString() } : {}),
    };
    const waiting = outcome.kind === 'done' && outcome.nextRetryAt ? `, ${outcome.waiting} waiting for a later try at ${outcome.nextRetryAt.toISOString()}` : '';
    const words = `${counts.sent} sent, ${counts.failed} failed, ${counts.unknown} unknown${waiting} of ${counts.total}`;
    if (outcome.kind === 'interrupted') deps.log.warn(`run stopped here, another process goes on (${words})`, line);
    else deps.log.info(`run ended: ${result} (${words})`, line);
  } catch (error) {
    deps.log.warn(`attempt ${attemptId}: could not log its end: ${String(error)}`);
  }
}
