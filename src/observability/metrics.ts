// The Prometheus metrics of this process (prom-client): mails by outcome and response class, run durations,
// scheduler lag, HTTP request durations, and the recipients waiting (read from the database when scraped).
// Counters count what THIS process did: each process that serves /metrics is scraped on its own.
import { QueryTypes, type Sequelize } from 'sequelize';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The mail server's answer as a class: 2xx, 4xx, 5xx, or `connection` when no SMTP reply came at all. */
export type ResponseClass = '2xx' | '4xx' | '5xx' | 'connection';

export function responseClass(code: number | null | undefined): ResponseClass {
  if (code !== null && code !== undefined) {
    if (code >= 200 && code < 300) return '2xx';
    if (code >= 400 && code < 500) return '4xx';
    if (code >= 500 && code < 600) return '5xx';
  }
  return 'connection';
}

/** What the sending engine reports (EngineDeps.metrics). */
export interface EngineMetrics {
  /** A group of results the engine has just written: `sent`, `failed` or `unknown`, with the server's code. */
  mailResults(results: ReadonlyArray<{ status: string; code: number | null }>): void;
  /** A run ended here: success, failure or cancelled, and how long it took from its start. */
  runFinished(outcome: string, seconds: number): void;
  /** A scheduled run started: how long after its due time. */
  schedulerLag(seconds: number): void;
}

export interface Metrics extends EngineMetrics {
  readonly registry: Registry;
  httpRequest(method: string, route: string, statusCode: number, seconds: number): void;
  /** The source of the recipients-waiting gauge, read at each scrape (the web app sets it: it has the database). */
  countWaitingWith(count: () => Promise<number>): void;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const mails = new Counter({
    name: 'mailing_mails_total',
    help: 'Mails whose result this process wrote, by status (sent, failed, unknown) and the mail server response class',
    labelNames: ['status', 'response_class'],
    registers: [registry],
  });
  const runs = new Histogram({
    name: 'mailing_run_duration_seconds',
    help: 'Duration of the runs that ended in this process, from the run start to its end, by outcome',
    labelNames: ['outcome'],
    buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 3 * 3600, 12 * 3600],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'mailing_scheduler_lag_seconds',
    help: 'Delay between the time a scheduled run was due and the time it started',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of the HTTP requests answered by this process, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status_class'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  let countWaiting: (() => Promise<number>) | undefined;
  new Gauge({
    name: 'mailing_recipients_waiting',
    help: 'Deliveries of unfinished runs not sent yet (pending or sending), in the whole service',
    registers: [registry],
    async collect() {
      if (!countWaiting) return;
      // a database outage must not take the other figures down with it: the gauge is then left out (NaN)
      this.set(await countWaiting().catch(() => Number.NaN));
    },
  });
  return {
    registry,
    mailResults(results) {
      for (const result of results) mails.inc({ status: result.status, response_class: responseClass(result.code) });
    },
    runFinished(outcome, seconds) {
      runs.observe({ outcome }, Math.max(0, seconds));
    },
    schedulerLag(seconds) {
      lag.observe(Math.max(0, seconds));
    },
    httpRequest(method, route, statusCode, seconds) {
      http.observe({ method: METHODS.has(method) ? method : 'OTHER', route, status_class: `${Math.floor(statusCode / 100)}xx` }, seconds);
    },
    countWaitingWith(count) {
      countWaiting = count;
    },
  };
}

let processWide: Metrics | undefined;

/** The one set of metrics of this process, for the composition roots (tests make their own with createMetrics). */
export function processMetrics(): Metrics {
  processWide ??= createMetrics({ processMetrics: true });
  return processWide;
}

/** Deliveries not sent yet of the runs under way (those waiting for a later try too): one indexed query (unfinished attempts are few). */
export async function countRecipientsWaiting(sequelize: Sequelize): Promise<number> {
  const [row] = await sequelize.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM deliveries d JOIN attempts a ON a.id = d.attempt_id
     WHERE a.finished_at IS NULL AND d.status IN ('pending', 'sending', 'retrying')`,
    { type: QueryTypes.SELECT },
  );
  return row?.n ?? 0;
}
