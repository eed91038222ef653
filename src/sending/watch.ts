// While a run sends: the heartbeat that renews its lease, and the watch that notices a cancellation or a takeover
// (another process's doing) by reading the attempt's state every `watchMs` (<= 500 ms, a primary-key read).
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from '../log.js';

export interface RunWatch {
  /** True once the run must stop sending: lease lost, shutting down, or cancelled. */
  halted(): boolean;
  /** Why the run lost its lease or is handing it over (shutdown), if it did. */
  readonly leaseLost: string | undefined;
  /** Why a person cancelled the run, if one did. */
  readonly cancelled: string | undefined;
  /** Stops the heartbeat and the watch. */
  stop(): void;
}

export interface WatchOptions {
  sequelize: Sequelize;
  log: Logger;
  attemptId: number;
  /** The lease holder's name. */
  me: string;
  leaseMs: number;
  heartbeatMs: number;
  watchMs: number;
  /** Asked on every check: true makes the run stop, resumable at once (shutdown). */
  shouldStop?: () => boolean;
  /** Called when the watch finds the run halted (drop the queue in memory). */
  onHalt: () => void;
}

export function watchRun(options: WatchOptions): RunWatch {
  const { sequelize, log, attemptId, me } = options;
  let leaseLost: string | undefined;
  let cancelled: string | undefined;
  const halted = (): boolean => {
    if (!leaseLost && options.shouldStop?.()) leaseLost = 'this process is shutting down';
    return leaseLost !== undefined || cancelled !== undefined;
  };

  let watching = false;
  const watch = setInterval(() => {
    if (watching || halted()) return;
    watching = true;
    sequelize
      .query<{ status: string; locked_by: string | null; cancel_reason: string | null }>(
        'SELECT status, locked_by, cancel_reason FROM attempts WHERE id = $1',
        { bind: [attemptId], type: QueryTypes.SELECT },
      )
      .then(([row]) => {
        if (!row) leaseLost ??= 'the attempt was deleted';
        else if (row.status === 'cancelled') cancelled ??= row.cancel_reason ?? 'the run was cancelled';
        else if (row.locked_by !== me) leaseLost ??= 'the run was taken over by another process';
        if (halted()) options.onHalt();
      })
      .catch((error: unknown) => log.warn(`attempt ${attemptId}: could not check for a cancellation: ${String(error)}`))
      .finally(() => {
        watching = false;
      });
  }, options.watchMs);
  watch.unref();

  const heartbeat = setInterval(() => {
    sequelize
      .query<{ id: number }>(
        `UPDATE attempts SET locked_until = now() + ($3 || ' milliseconds')::interval WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
        { bind: [attemptId, me, String(options.leaseMs)], type: QueryTypes.SELECT },
      )
      .then((rows) => {
        // not renewed: cancelled or taken over; the watch reads which, and stops the run
        if (rows.length === 0) log.info(`attempt ${attemptId}: lease not renewed`);
      })
      .catch((error: unknown) => log.warn(`attempt ${attemptId}: lease renewal failed: ${String(error)}`));
  }, options.heartbeatMs);
  heartbeat.unref();

  return {
    halted,
    get leaseLost() {
      return leaseLost;
    },
    get cancelled() {
      return cancelled;
    },
    stop() {
      clearInterval(heartbeat);
      clearInterval(watch);
    },
  };
}
