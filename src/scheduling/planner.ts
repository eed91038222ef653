// Keeps each mailing's status, next/last run and job right, and makes the runs that are due (spec rules 1–5);
// a run asked for now ("send now", `send --mailing`) is not planned: it goes through src/sending/run-now.ts.
// The mailings table is the truth (next_run_at); the job store only wakes a worker up and is repaired from it.
import os from 'node:os';
import { QueryTypes, fn, literal } from 'sequelize';
import type { Logger } from '../log.js';
import type { MailingStatus, Models, Periodicity } from '../models/index.js';
import { holderIsGone, runAttempt, runMailing, type EngineDeps, type RunOutcome } from '../sending/run-mailing.js';
import { reopenDueRetries } from '../sending/later-retries.js';
import type { MailingJobs } from './mailing-jobs.js';
import { currentSlot, nextSlotAfter, windowEnd, type Schedule } from './next-run.js';

export type DueOutcome =
  | RunOutcome
  | { kind: 'not-due'; reason: string };

export interface ResumeResult {
  attemptId: number;
  /** Null when the mailing was deleted meanwhile. */
  mailingId: number | null;
  outcome: RunOutcome;
}

export interface DueResult {
  mailingId: number;
  outcome: DueOutcome;
  /** When the mailing runs next; null when it has no job (completed, disabled, blocked, deleted). */
  nextRunAt: Date | null;
}

export interface MailingPlanner {
  /** After a change: fixes status, next run and job; when runNow and the window is open, starts a run at once. */
  replan(mailingId: number, options: { runNow: boolean }): Promise<void>;
  /** A deleted mailing: its job goes. */
  forget(mailingId: number): Promise<void>;
  /** Makes the mailing's due run (the latest slot not yet made), then moves it to its next run. */
  runDue(mailingId: number, trigger: 'schedule' | 'cli', options?: { force?: boolean }): Promise<DueResult>;
  /** Mailings whose next run time has come (eligible ones only). */
  dueMailingIds(): Promise<number[]>;
  /** Makes the job store match the mailings: lost jobs recreated, stale ones moved, orphans and duplicates removed. */
  reconcile(): Promise<{ scheduled: number; removed: number }>;
  /**
   * Resumes runs left unfinished by a dead process (expired lease, or a process of this machine that is gone), and
   * runs waiting for later tries whose next try is due (closing those whose mailing ended first).
   */
  resumeUnfinished(): Promise<ResumeResult[]>;
  /** Waits for the runs started in the background. */
  drain(): Promise<void>;
}

export interface PlannerDeps {
  models: Models;
  jobs: MailingJobs;
  engine: EngineDeps;
  timeZone: string;
  log: Logger;
  clock?: () => Date;
}

interface MailingFacts {
  id: number;
  start_at: Date;
  /** Null for `once` (no end: its one run ends it). */
  end_at: Date | null;
  periodicity: Periodicity;
  status: string;
  next_run_at: Date | null;
  last_run_at: Date | null;
  disabled: boolean;
  blocked: boolean;
}

/** How this machine's runners name themselves in attempts.locked_by ("host:pid#token"), escaped for LIKE. */
function hostPrefix(): string {
  return `${os.hostname()}:`.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createPlanner(deps: PlannerDeps): MailingPlanner {
  const { sequelize } = deps.models;
  const { jobs, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const background = new Set<Promise<unknown>>();

  function inBackground(what: string, work: () => Promise<unknown>): void {
    const running = work()
      .catch((error: unknown) => log.error(`${what}: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => background.delete(running));
    background.add(running);
  }

  async function facts(mailingId: number): Promise<MailingFacts | undefined> {
    const [row] = await sequelize.query<MailingFacts>(
      `SELECT g.id, g.start_at, g.end_at, g.periodicity, g.status, g.next_run_at, g.last_run_at,
              g.disabled_at IS NOT NULL AS disabled, u.blocked_at IS NOT NULL AS blocked
       FROM mailings g JOIN users u ON u.id = g.owner_id WHERE g.id = $1`,
      { bind: [mailingId], type: QueryTypes.SELECT },
    );
    return row;
  }

  const scheduleOf = (m: MailingFacts): Schedule => ({ startAt: new Date(m.start_at), periodicity: m.periodicity, timeZone: deps.timeZone });

  async function setState(mailingId: number, state: { status?: string; nextRunAt: Date | null; lastRunAt?: Date }): Promise<void> {
    // through the model, so the change hooks announce it (the home page counts running mailings)
    await deps.models.Mailing.update(
      {
        ...(state.status ? { status: state.status as MailingStatus } : {}),
        nextRunAt: state.nextRunAt,
        ...(state.lastRunAt ? { lastRunAt: fn('greatest', literal('last_run_at'), state.lastRunAt) as unknown as Date } : {}),
      },
      { where: { id: mailingId }, validate: false },
    );
  }

  const endOf = (m: MailingFacts): Date => windowEnd(m.end_at ? new Date(m.end_at) : null);

  /**
   * Ends the mailing's schedule: no job; `completed` once the end has passed or no run is left before it (the
   * status word must stay true: a mailing that will send nothing more is not "running").
   */
  async function stop(m: MailingFacts, now: Date, noRunLeft = false): Promise<null> {
    await jobs.cancel(m.id);
    const ended = noRunLeft || now.getTime() >= endOf(m).getTime();
    await setState(m.id, { status: ended ? 'completed' : undefined, nextRunAt: null });
    return null;
  }

  async function slotDone(mailingId: number, slot: Date): Promise<boolean> {
    const [row] = await sequelize.query<{ done: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM attempts WHERE mailing_id = $1 AND scheduled_for = $2) AS done',
      { bind: [mailingId, slot], type: QueryTypes.SELECT },
    );
    return Boolean(row?.done);
  }

  /** Sets next run, status and job from the mailing's facts (no sending). Returns the next run. */
  async function plan(m: MailingFacts, now: Date): Promise<Date | null> {
    if (m.disabled || m.blocked || now.getTime() >= endOf(m).getTime()) return stop(m, now);
    if (now.getTime() < new Date(m.start_at).getTime()) {
      await setState(m.id, { status: 'created', nextRunAt: new Date(m.start_at) });
      await jobs.schedule(m.id, new Date(m.start_at));
      return new Date(m.start_at);
    }
    const schedule = scheduleOf(m);
    let next: Date;
    if (m.next_run_at) {
      // a past next run is a run missed while down: the job fires at once, once (spec rule 4)
      next = new Date(m.next_run_at);
    } else {
      // a past slot is made late only when it was planned (next_run_at, rule 4) or the mailing never sent yet: a
      // mailing that has sent and was changed (edit, enable) goes on at its next slot and never re-sends by itself
      const current = currentSlot(schedule, now)!;
      const skipPast = m.last_run_at !== null || (await slotDone(m.id, current.at));
      next = skipPast ? nextSlotAfter(schedule, now) : current.at;
    }
    if (next.getTime() >= endOf(m).getTime()) return stop(m, now, true);
    await setState(m.id, { status: 'running', nextRunAt: next });
    await jobs.schedule(m.id, next);
    return next;
  }

  async function runDue(mailingId: number, trigger: 'schedule' | 'cli', options: { force?: boolean } = {}): Promise<DueResult> {
    const m = await facts(mailingId);
    if (!m) {
      await jobs.cancel(mailingId);
      return { mailingId, outcome: { kind: 'not-due', reason: 'the mailing was deleted' }, nextRunAt: null };
    }
    const now = clock();
    if (m.disabled || m.blocked) {
      await stop(m, now);
      return { mailingId, outcome: { kind: 'not-due', reason: m.disabled ? 'the mailing is disabled' : "the mailing's owner is blocked" }, nextRunAt: null };
    }
    if (now.getTime() >= endOf(m).getTime()) {
      await stop(m, now);
      return { mailingId, outcome: { kind: 'not-due', reason: 'the mailing has ended' }, nextRunAt: null };
    }
    if (now.getTime() < new Date(m.start_at).getTime()) {
      const nextRunAt = await plan(m, now);
      return { mailingId, outcome: { kind: 'not-due', reason: 'the mailing has not started yet' }, nextRunAt };
    }
    const schedule = scheduleOf(m);
    const slot = currentSlot(schedule, now)!.at;
    // a forced run (a changed mailing, `send --mailing`) whose slot was made already is a new run of its own
    const scheduledFor = options.force && (await slotDone(m.id, slot)) ? now : slot;
    await setState(m.id, { status: 'running', nextRunAt: m.next_run_at });
    const outcome = await runMailing(deps.engine, m.id, { scheduledFor, trigger });
    if (outcome.kind === 'cancelled') {
      // stopped by a person while sending: the mailing's state (disabled, blocked, deleted) decides what follows
      const after = await facts(mailingId);
      if (!after) {
        await jobs.cancel(mailingId);
        return { mailingId, outcome, nextRunAt: null };
      }
      return { mailingId, outcome, nextRunAt: await plan(after, clock()) };
    }
    if (outcome.kind === 'interrupted') {
      // not finished here (shutdown, lease lost): the run stays due, so the job brings any worker back to it
      const due = m.next_run_at ? new Date(m.next_run_at) : slot;
      await jobs.schedule(m.id, due);
      return { mailingId, outcome, nextRunAt: due };
    }
    const next = nextSlotAfter(schedule, now);
    if (next.getTime() >= endOf(m).getTime()) {
      await jobs.cancel(m.id);
      await setState(m.id, { status: 'completed', nextRunAt: null, lastRunAt: scheduledFor });
      return { mailingId, outcome, nextRunAt: null };
    }
    await setState(m.id, { status: 'running', nextRunAt: next, lastRunAt: scheduledFor });
    await jobs.schedule(m.id, next);
    return { mailingId, outcome, nextRunAt: next };
  }

  return {
    async replan(mailingId, options) {
      const m = await facts(mailingId);
      if (!m) {
        await jobs.cancel(mailingId);
        return;
      }
      const now = clock();
      const open = !m.disabled && !m.blocked && now >= new Date(m.start_at) && now < endOf(m);
      if (options.runNow && open) {
        await setState(m.id, { status: 'running', nextRunAt: m.next_run_at });
        inBackground(`run of mailing ${m.id}`, () => runDue(m.id, 'schedule', { force: true }));
        return;
      }
      await plan(m, now);
    },

    async forget(mailingId) {
      await jobs.cancel(mailingId);
    },

    runDue,

    async dueMailingIds() {
      const rows = await sequelize.query<{ id: number }>(
        `SELECT g.id FROM mailings g JOIN users u ON u.id = g.owner_id
         WHERE g.next_run_at <= $1 AND g.disabled_at IS NULL AND u.blocked_at IS NULL AND g.status <> 'completed'
         ORDER BY g.next_run_at, g.id`,
        { bind: [clock()], type: QueryTypes.SELECT },
      );
      return rows.map((row) => row.id);
    },

    async reconcile() {
      const existing = await jobs.list();
      const perMailing = new Map<number, number>();
      for (const job of existing) perMailing.set(job.mailingId, (perMailing.get(job.mailingId) ?? 0) + 1);
      const ids = await sequelize.query<{ id: number }>('SELECT id FROM mailings ORDER BY id', { type: QueryTypes.SELECT });
      const known = new Set(ids.map((row) => row.id));
      let removed = 0;
      for (const [mailingId, count] of perMailing) {
        // orphans, duplicates and unreadable jobs go; the mailing's one job is written again below
        if (!known.has(mailingId) || count > 1 || !Number.isInteger(mailingId)) {
          await jobs.cancel(mailingId);
          removed += count;
        }
      }
      let scheduled = 0;
      const now = clock();
      for (const { id } of ids) {
        const m = await facts(id);
        if (m && (await plan(m, now)) !== null) scheduled += 1;
      }
      return { scheduled, removed };
    },

    async resumeUnfinished() {
      // due later tries: their attempts are `running` with a free lease again, taken below like any free run
      const retries = await reopenDueRetries(sequelize, clock(), log, deps.engine.workerId);
      const rows = await sequelize.query<{ id: number; mailing_id: number; free: boolean; locked_by: string | null }>(
        `SELECT a.id, a.mailing_id, a.locked_by,
                -- an expired lease; or never claimed (or released) for a lease's length: a run just opened by
                -- another process is about to be claimed by it and is left alone
                (a.locked_until < now() OR (a.locked_by IS NULL AND a.updated_at < now() - ($1 || ' milliseconds')::interval)) AS free
         FROM attempts a JOIN mailings g ON g.id = a.mailing_id JOIN users u ON u.id = g.owner_id
         WHERE a.status = 'running' AND g.disabled_at IS NULL AND u.blocked_at IS NULL
           -- a live lease is only looked at when held on this machine (its process may be gone)
           AND (a.locked_until < now() OR a.locked_by IS NULL OR a.locked_by LIKE $2)
         ORDER BY a.id`,
        { bind: [String(deps.engine.leaseMs ?? 30_000), `${hostPrefix()}%`], type: QueryTypes.SELECT },
      );
      const results: ResumeResult[] = [...retries.closed];
      for (const row of rows) {
        if (!row.free && !holderIsGone(row.locked_by)) continue;
        const outcome = await runAttempt(deps.engine, row.id);
        if (outcome.kind !== 'skipped') log.info(`resumed attempt ${row.id}: ${outcome.kind}`);
        results.push({ attemptId: row.id, mailingId: row.mailing_id, outcome });
      }
      return results;
    },

    async drain() {
      while (background.size > 0) await Promise.allSettled([...background]);
    },
  };
}
