// Builds the mailing side of the service (engine, planner, job store, domain functions) for the server and the CLI.
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../log.js';
import type { MailService } from '../mail/index.js';
import type { EngineDeps } from '../sending/run-mailing.js';
import { createRateLimiter, type RateLimiter } from '../sending/rate-limit.js';
import { createPlanner, type MailingPlanner } from '../scheduling/planner.js';
import { createScheduler, type Scheduler, type SchedulerOptions } from '../scheduling/scheduler.js';
import { chooseJobStore } from '../scheduling/job-store.js';
import { createMailingService, type MailingService } from './mailing-service.js';
import { pruneDeliveries } from '../reports/retention.js';

export interface MailingServices {
  readonly mailings: MailingService;
  readonly planner: MailingPlanner;
  readonly scheduler: Scheduler;
  /** The sending engine as configured here (the CLI's `send --mailing` runs with it). */
  readonly engine: EngineDeps;
  /** This process's share of the service-wide send-rate limit (SEND_RATE); undefined when unlimited. */
  readonly rateLimiter: RateLimiter | undefined;
  /** Stops the scheduler if started, waits for background runs, disconnects the job store. */
  close(): Promise<void>;
}

export interface MailingServicesOptions {
  config: Pick<Config, 'mongodbUrl' | 'appTimezone' | 'appUrl' | 'unsubscribeSecret' | 'mailFrom'> & Partial<Pick<Config, 'deliveryRetentionDays' | 'sendRate' | 'retryLaterMs'>>;
  db: Database;
  mail: MailService;
  log: Logger;
  clock?: () => Date;
  /** Overrides of the engine's knobs (tests, benchmark). */
  engine?: Partial<Omit<EngineDeps, 'sequelize' | 'transport' | 'log' | 'identity'>>;
  scheduler?: Partial<Omit<SchedulerOptions, 'store' | 'log'>>;
}

export function startMailingServices(options: MailingServicesOptions): MailingServices {
  const { db, mail, log } = options;
  let stopping = false;
  const retentionDays = options.config.deliveryRetentionDays;
  const rateLimiter = options.engine?.rateLimit ?? (options.config.sendRate ? createRateLimiter(db.sequelize, options.config.sendRate) : undefined);
  const scheduler = createScheduler({
    store: chooseJobStore(options.config, db.url),
    log: log.child('scheduler'),
    timeZone: options.config.appTimezone,
    prune: retentionDays === undefined ? undefined : () => pruneDeliveries(db.sequelize, { days: retentionDays, log: log.child('retention'), shouldStop: () => stopping }),
    ...options.scheduler,
  });
  const engine: EngineDeps = {
    sequelize: db.sequelize,
    transport: mail.transport,
    log: log.child('sending'),
    messageIdDomain: hostOf(options.config.appUrl),
    shouldStop: () => stopping,
    rateLimit: rateLimiter,
    retryLaterMs: options.config.retryLaterMs ?? [],
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.engine,
    identity: { appUrl: options.config.appUrl, unsubscribeSecret: options.config.unsubscribeSecret, mailFrom: options.config.mailFrom },
  };
  const planner = createPlanner({
    models: db.models,
    jobs: scheduler.jobs,
    engine,
    timeZone: options.config.appTimezone,
    log: log.child('planner'),
    clock: options.clock,
  });
  const mailings = createMailingService({ models: db.models, planner, engine, log: log.child('mailings') });
  return {
    mailings,
    planner,
    scheduler,
    engine,
    rateLimiter,
    async close() {
      stopping = true;
      await scheduler.stop();
      await planner.drain();
      await mailings.drain();
    },
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'mailing.local';
  } catch {
    return 'mailing.local';
  }
}
