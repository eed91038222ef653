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

export interface MailingServices {
  readonly mailings: MailingService;
  readonly planner: MailingPlanner;
  readonly scheduler: Scheduler;
  /** This process's share of the service-wide send-rate limit (SEND_RATE); undefined when unlimited. */
  readonly rateLimiter: RateLimiter | undefined;
  /** Stops the scheduler if started, waits for background runs, disconnects the job store. */
  close(): Promise<void>;
}

export interface MailingServicesOptions {
  config: Pick<Config, 'mongodbUrl' | 'appTimezone' | 'appUrl'> & Partial<Pick<Config, 'sendRate'>>;
  db: Database;
  mail: MailService;
  log: Logger;
  clock?: () => Date;
  /** Overrides of the engine's knobs (tests, benchmark). */
  engine?: Partial<Omit<EngineDeps, 'sequelize' | 'transport' | 'log'>>;
  scheduler?: Partial<Omit<SchedulerOptions, 'store' | 'log'>>;
}

export function startMailingServices(options: MailingServicesOptions): MailingServices {
  const { db, mail, log } = options;
  let stopping = false;
  const rateLimiter = options.engine?.rateLimit ?? (options.config.sendRate ? createRateLimiter(db.sequelize, options.config.sendRate) : undefined);
  const scheduler = createScheduler({ store: chooseJobStore(options.config, db.url), log: log.child('scheduler'), ...options.scheduler });
  const planner = createPlanner({
    models: db.models,
    jobs: scheduler.jobs,
    engine: {
      sequelize: db.sequelize,
      transport: mail.transport,
      log: log.child('sending'),
      messageIdDomain: hostOf(options.config.appUrl),
      shouldStop: () => stopping,
      rateLimit: rateLimiter,
      ...options.engine,
    },
    timeZone: options.config.appTimezone,
    log: log.child('planner'),
    clock: options.clock,
  });
  const mailings = createMailingService({ models: db.models, planner, log: log.child('mailings') });
  return {
    mailings,
    planner,
    scheduler,
    rateLimiter,
    async close() {
      stopping = true;
      await scheduler.stop();
      await planner.drain();
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
