// Agenda wired to the planner: one "send-mailing" job per mailing, reconcile on start, resume of crashed runs.
import os from 'node:os';
import type { Agenda, Job } from 'agenda';
import type { Logger } from '../log.js';
import { reportError } from '../errors.js';
import type { MailingJob, MailingJobs } from './mailing-jobs.js';
import type { MailingPlanner } from './planner.js';
import { createJobStoreBackend, type JobStore, type JobStoreChoice } from './job-store.js';

export const SEND_MAILING_JOB = 'send-mailing';
/** The daily retention job (src/reports/retention.ts): one job in the store, run by one process a day. */
export const PRUNE_DELIVERIES_JOB = 'prune-deliveries';
const PRUNE_AT = '30 3 * * *';
const RETRY_AFTER_ERROR_MS = 60_000;

export interface SchedulerOptions {
  store: JobStoreChoice;
  log: Logger;
  /** Names this process in the job store (lastModifiedBy). */
  name?: string;
  /** How often Agenda looks for due jobs when no notification arrives. */
  processEveryMs?: number;
  /**
   * A job locked by a process that died is free again after this long. Agenda's default is 10 minutes;
   * ours is short and the running job is touched, and crashed runs are resumed from their attempts anyway.
   */
  lockLifetimeMs?: number;
  /** How often unfinished attempts with an expired lease are looked for and resumed. */
  resumeEveryMs?: number;
  /** Mailing runs one process makes at once. */
  concurrency?: number;
  /** The daily retention job's work (deletes old delivery rows); no daily job without it. */
  prune?: () => Promise<unknown>;
  /** Time zone of the daily job's 03:30. */
  timeZone?: string;
}

export interface Scheduler {
  /** The job store, for the planner; usable before start() (the CLI and the web only write jobs). */
  readonly jobs: MailingJobs;
  /** Connects to the job store. */
  connect(): Promise<void>;
  /** Starts processing jobs: reconcile, resume crashed runs, then run jobs as they come due. */
  start(planner: MailingPlanner): Promise<void>;
  /** Stops taking jobs (running ones are unlocked for others), waits for this process's runs, disconnects. */
  stop(): Promise<void>;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { log } = options;
  const name = options.name ?? `${os.hostname()}:${process.pid}`;
  const lockLifetimeMs = options.lockLifetimeMs ?? 60_000;
  let agenda: Agenda | undefined;
  let jobStore: JobStore | undefined;
  let connecting: Promise<Agenda> | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let started = false;
  const active = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    active.add(work);
    void work.finally(() => active.delete(work)).catch(() => undefined);
    return work;
  };

  function connected(): Promise<Agenda> {
    connecting ??= (async () => {
      // Agenda (and its date parsers) is loaded on first use: `cli.js send` with nothing due never needs it, and a
      // due run writes its next job only after sending
      jobStore = await createJobStoreBackend(options.store, (error) => log.warn(`job store connection lost: ${error.message}`));
      const { Agenda: AgendaClass } = await import('agenda');
      const instance = new AgendaClass({
        backend: jobStore.backend,
        name,
        processEvery: options.processEveryMs ?? 5_000,
        defaultLockLifetime: lockLifetimeMs,
        maxConcurrency: options.concurrency ?? 4,
        defaultConcurrency: options.concurrency ?? 4,
        // lock only what this process can run now, so the other workers get the rest of the due jobs
        lockLimit: options.concurrency ?? 4,
        defaultLockLimit: options.concurrency ?? 4,
      });
      instance.on('error', (error: Error) => reportError('scheduler', error, log.error));
      await instance.ready;
      agenda = instance;
      return instance;
    })().catch((error: unknown) => {
      // a failed connect is tried afresh by the next caller rather than remembered for good
      connecting = undefined;
      throw error;
    });
    return connecting;
  }

  const jobs: MailingJobs = {
    async schedule(mailingId, at) {
      const store = await connected();
      await store.create(SEND_MAILING_JOB, { mailingId }).unique({ 'data.mailingId': mailingId }).schedule(at).save();
    },
    async cancel(mailingId) {
      const store = await connected();
      await store.cancel({ name: SEND_MAILING_JOB, data: { mailingId } });
    },
    async list() {
      const store = await connected();
      const result = await store.queryJobs({ name: SEND_MAILING_JOB });
      return result.jobs.map(
        (job): MailingJob => ({
          mailingId: Number((job.data as { mailingId?: unknown } | undefined)?.mailingId),
          nextRunAt: job.nextRunAt ? new Date(job.nextRunAt) : null,
        }),
      );
    },
  };

  return {
    jobs,
    async connect() {
      await connected();
    },

    async start(planner) {
      const store = await connected();
      store.define<{ mailingId: number }>(
        SEND_MAILING_JOB,
        async (job: Job<{ mailingId: number }>) => {
          const mailingId = Number(job.attrs.data?.mailingId);
          // keep Agenda's lock alive while a long run sends
          const touching = setInterval(() => void job.touch().catch(() => undefined), Math.max(1_000, lockLifetimeMs / 3));
          try {
            const result = await track(planner.runDue(mailingId, 'schedule'));
            // Agenda saves the job after this returns: carry the next run, or it would be wiped
            job.attrs.nextRunAt = result.nextRunAt;
            if (result.outcome.kind === 'done') {
              log.info(`mailing ${mailingId}: run ${result.outcome.status}, ${result.outcome.sent}/${result.outcome.total} sent`);
            }
          } catch (error) {
            // the database hiccuped: try again in a minute rather than leave the mailing without a job
            reportError(`scheduler: mailing ${mailingId}`, error, log.error);
            job.attrs.nextRunAt = new Date(Date.now() + RETRY_AFTER_ERROR_MS);
          } finally {
            clearInterval(touching);
          }
        },
        { lockLifetime: lockLifetimeMs },
      );
      const { prune } = options;
      if (prune) {
        store.define(PRUNE_DELIVERIES_JOB, async () => {
          await track(prune()).catch((error: unknown) => reportError('scheduler: retention', error, log.error));
        });
        // one job for every process (Agenda's "every" keeps a single one), first run at the next 03:30
        await store.every(PRUNE_AT, PRUNE_DELIVERIES_JOB, undefined, { timezone: options.timeZone ?? 'UTC', skipImmediate: true });
      }
      const repaired = await planner.reconcile();
      log.info(`scheduler: ${repaired.scheduled} mailing job(s) in place, ${repaired.removed} stale job(s) removed`);
      await store.start();
      started = true;
      const sweep = (): void => {
        track(planner.resumeUnfinished()).catch((error: unknown) => reportError('scheduler: resuming runs', error, log.error));
      };
      sweep();
      sweeper = setInterval(sweep, options.resumeEveryMs ?? 10_000);
    },

    async stop() {
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
      const store = agenda;
      if (!store) return;
      // stop taking jobs first; Agenda unlocks the ones it held so other workers can take them
      if (started) await store.stop(false).catch((error: unknown) => reportError('scheduler: stopping', error, log.error));
      started = false;
      // runs of this process stop between two sends (shouldStop) and leave the rest resumable
      while (active.size > 0) await Promise.allSettled([...active]);
      // Agenda.stop() only disconnects a started instance, and never a pool it was given: closed here
      await jobStore?.close().catch(() => undefined);
      jobStore = undefined;
      agenda = undefined;
      connecting = undefined;
    },
  };
}
