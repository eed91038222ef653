// Opening a run and holding it: the attempt row per mailing and scheduled time, and the lease that lets one process send it.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from '../log.js';
import type { RunOptions } from './engine-types.js';

const DEFAULT_WORKER_ID = `${os.hostname()}:${process.pid}`;

export interface OpenedAttempt {
  id: number;
  finished: boolean;
  /** False when the mailing had an unfinished run already: that run is returned instead of a new one. */
  created: boolean;
  /** The mailing's unfinished run is paused by a person: nothing sends it until it is resumed. */
  paused: boolean;
  /** The mailing's unfinished run waits for later tries of some recipients (later-retries.ts). */
  retrying: boolean;
}

/** The attempt a runner claimed: what it needs to send it. */
export interface ClaimedAttempt {
  mailingId: number;
  /** 0 until the recipients are frozen (a resumed run has its first snapshot's count). */
  recipientsCount: number;
}

/**
 * Opens the run of a mailing for a scheduled time, unless the mailing has an unfinished run: then that run is
 * returned (to be resumed), never a second one beside it. Once per mailing and scheduled time.
 */
export async function openAttempt(sequelize: Sequelize, mailingId: number, options: RunOptions): Promise<OpenedAttempt> {
  // no conflict target: both attempts_one_per_run and the unique partial index of unfinished runs make it a no-op
  // (two "send now" at the same moment: the second insert waits for the first and then inserts nothing)
  const inserted = await sequelize.query<{ id: number }>(
    `INSERT INTO attempts (mailing_id, scheduled_for, trigger)
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM mailings WHERE id = $1)
       AND NOT EXISTS (SELECT 1 FROM attempts WHERE mailing_id = $1 AND status IN ('running', 'paused', 'retrying'))
     ON CONFLICT DO NOTHING RETURNING id`,
    { bind: [mailingId, options.scheduledFor, options.trigger], type: QueryTypes.SELECT },
  );
  const [row] = await sequelize.query<{ id: number; status: string }>(
    `SELECT id, status FROM attempts WHERE mailing_id = $1 AND (status IN ('running', 'paused', 'retrying') OR scheduled_for = $2)
     ORDER BY (status IN ('running', 'paused', 'retrying')) DESC, id LIMIT 1`,
    { bind: [mailingId, options.scheduledFor], type: QueryTypes.SELECT },
  );
  if (!row) throw new Error(`attempt of mailing ${mailingId} for ${options.scheduledFor.toISOString()} vanished (mailing deleted?)`);
  const unfinished = row.status === 'running' || row.status === 'paused' || row.status === 'retrying';
  return { id: row.id, finished: !unfinished, created: inserted[0]?.id === row.id, paused: row.status === 'paused', retrying: row.status === 'retrying' };
}

/**
 * A lease held by a process of this machine that no longer exists (a CLI killed mid-run) is free at once,
 * instead of after its expiry: the holder's name is "host:pid#token" (see runnerName).
 */
export function holderIsGone(lockedBy: string | null | undefined): boolean {
  const match = /^(.*):(\d+)#[0-9a-f]{8}$/.exec(lockedBy ?? '');
  if (!match || match[1] !== os.hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** True when an unfinished attempt may be taken over now: unlocked for a lease's length, expired, or its holder gone. */
export async function isResumable(sequelize: Sequelize, attemptId: number, leaseMs: number): Promise<boolean> {
  const [row] = await sequelize.query<{ status: string; locked_by: string | null; free: boolean }>(
    `SELECT status, locked_by,
            (locked_until < now() OR (locked_by IS NULL AND updated_at < now() - ($2 || ' milliseconds')::interval)) AS free
     FROM attempts WHERE id = $1`,
    { bind: [attemptId, String(leaseMs)], type: QueryTypes.SELECT },
  );
  return row?.status === 'running' && (row.free || holderIsGone(row.locked_by));
}

/**
 * The name one run's runner holds the lease under, "host:pid#token". One token per run, not per process: two
 * runners of one process (a job and the resume sweep) must exclude each other too.
 */
export function runnerName(workerId: string | undefined): string {
  return `${workerId ?? DEFAULT_WORKER_ID}#${randomUUID().slice(0, 8)}`;
}

/** Takes the lease of a free run, an expired lease, or the lease of a process of this machine that died; undefined when another holds it or the run is finished. */
export async function claimAttempt(sequelize: Sequelize, attemptId: number, me: string, leaseMs: number, log: Logger): Promise<ClaimedAttempt | undefined> {
  const [holder] = await sequelize.query<{ locked_by: string | null }>('SELECT locked_by FROM attempts WHERE id = $1', {
    bind: [attemptId],
    type: QueryTypes.SELECT,
  });
  const goneHolder = holderIsGone(holder?.locked_by) ? holder!.locked_by : null;
  const [claimed] = await sequelize.query<{ id: number; mailing_id: number | null; recipients_count: number; scheduled_for: Date }>(
    `UPDATE attempts SET locked_by = $2, locked_until = now() + ($3 || ' milliseconds')::interval, updated_at = now()
     WHERE id = $1 AND status = 'running' AND (locked_by IS NULL OR locked_until < now() OR locked_by = $4)
     RETURNING id, mailing_id, recipients_count, scheduled_for`,
    { bind: [attemptId, me, String(leaseMs), goneHolder], type: QueryTypes.SELECT },
  );
  if (!claimed) return undefined;
  if (goneHolder) log.info(`attempt ${attemptId}: taken over from ${goneHolder}, a process of this machine that no longer runs`);
  return { mailingId: claimed.mailing_id ?? 0, recipientsCount: claimed.recipients_count };
}

/** Hands the run over: an already expired lease, so the resume sweep of any process takes it at once. */
export async function releaseAttempt(sequelize: Sequelize, attemptId: number, me: string): Promise<void> {
  await sequelize.query(
    `UPDATE attempts SET locked_by = NULL, locked_until = now() - interval '1 second' WHERE id = $1 AND locked_by = $2`,
    { bind: [attemptId, me] },
  );
}
