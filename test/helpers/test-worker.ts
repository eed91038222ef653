// A worker process for the crash and scale-out tests: the real scheduler and engine, with short leases and polls.
// Usage: node --import tsx test/helpers/test-worker.ts '<json knobs>'  (DATABASE_URL and SMTP_URL in the environment)
import { getConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import { startMail } from '../../src/mail/index.js';
import { startMailingServices } from '../../src/mailings/start-mailings.js';

interface Knobs {
  name?: string;
  leaseMs?: number;
  concurrency?: number;
  batchSize?: number;
  flushEvery?: number;
  /** The wait before each retry (50 ms unless set: a test of waiting recipients sets a long one). */
  retryDelayMs?: number;
}

const knobs = JSON.parse(process.argv[2] ?? '{}') as Knobs;
const config = getConfig();
const log = createLogger(knobs.name ?? `worker-${process.pid}`);
const db = await openDatabase(config, { migrate: false });
const mail = await startMail(config, log.child('mail'), { pool: { maxConnections: knobs.concurrency ?? 3 }, timeouts: { greetingMs: 2000, socketMs: 2000 } });
const leaseMs = knobs.leaseMs ?? 1500;
const services = startMailingServices({
  config,
  db,
  mail,
  log,
  engine: {
    workerId: knobs.name ?? `worker-${process.pid}`,
    leaseMs,
    heartbeatMs: Math.floor(leaseMs / 3),
    concurrency: knobs.concurrency ?? 3,
    batchSize: knobs.batchSize ?? 200,
    ...(knobs.flushEvery === undefined ? {} : { flushEvery: knobs.flushEvery }),
    retry: { maxTries: 3, delayMs: () => knobs.retryDelayMs ?? 50 },
  },
  scheduler: { name: knobs.name, processEveryMs: 200, resumeEveryMs: 300, lockLifetimeMs: 3000 },
});
await services.scheduler.start(services.planner);
log.info('worker ready');

const stop = async (): Promise<void> => {
  await services.close();
  await mail.close();
  await db.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
