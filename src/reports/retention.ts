// Report retention (DELIVERY_RETENTION_DAYS): the delivery rows of runs that ended longer ago are deleted in
// small batches, with a pause between two, so that no statement holds its locks or the disk for long. The
// attempt keeps its counts and first server answer (written when the run ended) and records when its details
// went (details_pruned_at). A run not finished is never touched, however old.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from '../log.js';

const DAY_MS = 24 * 3600_000;
/** The statuses of a run that is over; anything else (running, and whatever later unfinished states) is kept. */
const FINISHED = ['success', 'failure', 'cancelled'];

export interface PruneOptions {
  /** Runs finished more than this many days ago lose their delivery rows. */
  days: number;
  now?: Date;
  /** Rows deleted per statement. */
  batchSize?: number;
  /** Pause between two statements, so that the engine's writes get the disk and the locks in between. */
  pauseMs?: number;
  /** Attempts taken per round (their rows are deleted batch after batch, then they are marked). */
  attemptsPerRound?: number;
  log?: Logger;
  /** Asked between two statements: true stops the job (shutdown); the next run goes on where it stopped. */
  shouldStop?: () => boolean;
}

export interface PruneResult {
  /** Runs that ended before this moment lost their details. */
  cutoff: Date;
  attempts: number;
  deliveries: number;
  /** DELETE statements made. */
  batches: number;
}

export const DEFAULT_PRUNE_BATCH = 5000;

export async function pruneDeliveries(sequelize: Sequelize, options: PruneOptions): Promise<PruneResult> {
  const batchSize = options.batchSize ?? DEFAULT_PRUNE_BATCH;
  const pauseMs = options.pauseMs ?? 200;
  const perRound = options.attemptsPerRound ?? 500;
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.days * DAY_MS);
  const result: PruneResult = { cutoff, attempts: 0, deliveries: 0, batches: 0 };
  const stopped = (): boolean => options.shouldStop?.() ?? false;

  while (!stopped()) {
    const round = await sequelize.query<{ id: number }>(
      `SELECT id FROM attempts
       WHERE status = ANY($1::text[]) AND coalesce(finished_at, attempted_at) < $2 AND details_pruned_at IS NULL
       ORDER BY coalesce(finished_at, attempted_at), id LIMIT $3`,
      { bind: [FINISHED, cutoff, perRound], type: QueryTypes.SELECT },
    );
    if (round.length === 0) break;
    const ids = round.map((row) => row.id);
    let deleted = batchSize;
    while (deleted === batchSize) {
      if (stopped()) return result;
      if (result.batches > 0) await sleep(pauseMs);
      // the status is checked again in the statement itself: only rows of runs that are over go
      const rows = await sequelize.query<{ n: number }>(
        `WITH gone AS (
           DELETE FROM deliveries WHERE id IN (
             SELECT d.id FROM deliveries d JOIN attempts a ON a.id = d.attempt_id
             WHERE d.attempt_id = ANY($1::int[]) AND a.status = ANY($2::text[]) LIMIT $3)
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        { bind: [ids, FINISHED, batchSize], type: QueryTypes.SELECT },
      );
      deleted = rows[0]?.n ?? 0;
      result.batches += 1;
      result.deliveries += deleted;
    }
    await sequelize.query('UPDATE attempts SET details_pruned_at = now() WHERE id = ANY($1::int[]) AND status = ANY($2::text[])', {
      bind: [ids, FINISHED],
    });
    result.attempts += ids.length;
  }
  if (result.attempts > 0) {
    options.log?.info(`retention: removed ${result.deliveries} delivery row(s) of ${result.attempts} run(s) ended before ${cutoff.toISOString()}`, {
      event: 'retention.prune',
      attempts: result.attempts,
      deliveries: result.deliveries,
      batches: result.batches,
      cutoff: cutoff.toISOString(),
    });
  }
  return result;
}

/** What a report says of a run's delivery details. */
export type DetailsNote =
  | { kind: 'removed'; days: number; on: Date }
  | { kind: 'kept-until'; days: number; until: Date }
  | { kind: 'kept-after-end'; days: number };

export function detailsNote(
  attempt: { finishedAt: Date | null; attemptedAt: Date; status: string; detailsPrunedAt: Date | null },
  days: number,
): DetailsNote {
  if (attempt.detailsPrunedAt) return { kind: 'removed', days, on: attempt.detailsPrunedAt };
  if (!FINISHED.includes(attempt.status)) return { kind: 'kept-after-end', days };
  // the job runs once a day: the rows go within a day after this
  return { kind: 'kept-until', days, until: new Date((attempt.finishedAt ?? attempt.attemptedAt).getTime() + days * DAY_MS) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
