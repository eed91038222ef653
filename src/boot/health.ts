// What /healthz reports: can the service reach its database, its job store and its mail server right now
// (in full only to this machine; anyone else learns up or down).
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { MailService } from '../mail/index.js';

export interface CheckResult {
  status: 'ok' | 'error';
  /** What was found, or why it failed, in words an operator can act on. */
  detail: string;
  ms: number;
}

export interface HealthReport {
  /** ok: everything answers; degraded: mail is down (pages work, mails wait); down: database or job store fails. */
  status: 'ok' | 'degraded' | 'down';
  checkedAt: string;
  database: CheckResult;
  jobStore: CheckResult;
  mail: CheckResult;
}

/** What anyone may know: is the service up (its pages work) or down; nothing about its servers or addresses. */
export interface PublicHealth {
  status: 'up' | 'down';
}

export function publicHealth(report: HealthReport): PublicHealth {
  return { status: report.status === 'down' ? 'down' : 'up' };
}

export interface HealthOptions {
  /** A report is reused this long, so a busy probe does not open an SMTP connection per request. */
  cacheMs?: number;
  /** Each check gives up after this long. */
  timeoutMs?: number;
}

export type HealthContext = { config: Pick<Config, 'mongodbUrl'>; db: Pick<Database, 'sequelize'>; mail: Pick<MailService, 'transport'> };

const AGENDA_TABLE = 'agenda_jobs';

async function timed(timeoutMs: number, work: () => Promise<string>): Promise<CheckResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      work(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok', detail, ms: Date.now() - started };
  } catch (error) {
    return { status: 'error', detail: error instanceof Error ? error.message : String(error), ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

async function checkJobStore(ctx: HealthContext, timeoutMs: number): Promise<string> {
  if (ctx.config.mongodbUrl) {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(ctx.config.mongodbUrl, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
    try {
      await client.connect();
      await client.db().admin().ping();
      return 'MongoDB answers';
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  // the default job store lives in the service's own PostgreSQL
  const [rows] = await ctx.db.sequelize.query(`SELECT to_regclass('${AGENDA_TABLE}') IS NOT NULL AS ready`);
  const ready = (rows as { ready: boolean }[])[0]?.ready === true;
  return ready ? 'PostgreSQL job table present' : 'PostgreSQL answers; the job table is created when the scheduler first connects';
}

export function createHealthCheck(ctx: HealthContext, options: HealthOptions = {}): () => Promise<HealthReport> {
  const cacheMs = options.cacheMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  let last: { at: number; report: Promise<HealthReport> } | undefined;

  async function run(): Promise<HealthReport> {
    const [database, jobStore, mail] = await Promise.all([
      timed(timeoutMs, async () => {
        await ctx.db.sequelize.query('SELECT 1');
        return 'PostgreSQL answers';
      }),
      timed(timeoutMs, () => checkJobStore(ctx, timeoutMs)),
      timed(timeoutMs, async () => {
        await ctx.mail.transport.verify();
        return 'the mail server accepts connections';
      }),
    ]);
    const status = database.status === 'error' || jobStore.status === 'error' ? 'down' : mail.status === 'error' ? 'degraded' : 'ok';
    return { status, checkedAt: new Date().toISOString(), database, jobStore, mail };
  }

  return () => {
    const now = Date.now();
    if (!last || now - last.at >= cacheMs) last = { at: now, report: run() };
    return last.report;
  };
}
