// The service-wide send-rate limit (SEND_RATE, issue 14 point 1), shared by every process that sends through
// PostgreSQL alone.
//
// Design: virtual scheduling (GCRA). The limit is one row of `send_rate_limits` holding the next free send slot;
// slots are `period / count` apart. A process reserves k slots with one atomic statement,
//   UPDATE … SET next_slot = greatest(next_slot, now()) + k × interval RETURNING …
// and each mail waits for its slot before its SMTP transaction starts. The row lock serialises the reservations of
// every process, so the slots of the whole service are evenly spaced: any window of the period's length holds at
// most `count` (+1) mail starts, whatever the number of processes. An idle limit starts again at now() (no burst is
// saved up). We chose this over a token bucket (bursts), a sliding-window log (a row per mail) or advisory locks held
// while sending (a lock per mail, and a stalled holder stops everyone).
//
// A process reserves small chunks (at most a tenth of a second's worth, at most `MAX_CHUNK`) and only when it has
// no slot left, so it holds at most one chunk ahead of the others: a process that stops or is killed wastes at most
// that much of the service's capacity. A slot left unused for longer than one interval is dropped, never spent late
// (which would send two mails too close together). Times are the database's: processes on machines whose clocks
// differ still share one schedule (each converts a slot into a local wait with the database's `now()` of the same
// statement).
import { QueryTypes, type Sequelize } from 'sequelize';
import type { SendRate } from '../config.js';

const MAX_CHUNK = 50;
/** A mail that waited at least this long for its slot makes its run "throttled". */
const THROTTLED_AFTER_MS = 10;

export const SERVICE_LIMIT = 'service';

export interface RateLimiter {
  readonly rate: SendRate;
  /** Waits for the next send slot of the service; resolves with how long it waited for the slot's time, in ms (not counting the reservation's round trip). */
  take(): Promise<number>;
}

/** The limiter of this process for the service-wide rate (one per process: its lanes share its reserved slots). */
export function createRateLimiter(sequelize: Sequelize, rate: SendRate, name = SERVICE_LIMIT): RateLimiter {
  const intervalMs = rate.periodMs / rate.count;
  const chunk = Math.max(1, Math.min(MAX_CHUNK, Math.floor(100 / intervalMs)));
  /** Reserved slots, as local times (Date.now() scale), earliest first. */
  const slots: number[] = [];
  let reserving: Promise<void> | undefined;
  let rowReady: Promise<void> | undefined;

  const reserve = async (): Promise<void> => {
    rowReady ??= sequelize
      .query('INSERT INTO send_rate_limits (name, next_slot) VALUES ($1, now()) ON CONFLICT (name) DO NOTHING', { bind: [name] })
      .then(() => undefined)
      .catch((error: unknown) => {
        rowReady = undefined;
        throw error;
      });
    await rowReady;
    const sentAt = Date.now();
    const [row] = await sequelize.query<{ first_ms: string }>(
      // the first reserved slot, as ms after the database's now(); the statement's now() is also its lock time
      `UPDATE send_rate_limits SET next_slot = greatest(next_slot, clock_timestamp()) + make_interval(secs => $2::float8 / 1000)
       WHERE name = $1
       RETURNING (extract(epoch FROM next_slot - clock_timestamp()) * 1000 - $2::float8)::text AS first_ms`,
      { bind: [name, chunk * intervalMs], type: QueryTypes.SELECT },
    );
    if (!row) throw new Error(`send rate limit "${name}" vanished`);
    // the answer's time in this process's clock: half-way through the round trip
    const now = (sentAt + Date.now()) / 2;
    const first = now + Number(row.first_ms);
    for (let i = 0; i < chunk; i += 1) slots.push(first + i * intervalMs);
  };

  return {
    rate,
    async take() {
      for (;;) {
        // a slot left unused for more than an interval is dropped: spending it late would crowd its neighbours
        while (slots.length > 0 && slots[0]! < Date.now() - intervalMs) slots.shift();
        const slot = slots.shift();
        if (slot !== undefined) {
          const wait = slot - Date.now();
          if (wait > 0) await sleep(wait);
          return Math.max(0, wait);
        }
        reserving ??= reserve().finally(() => {
          reserving = undefined;
        });
        await reserving;
      }
    },
  };
}

/**
 * The hook the send loop calls before each SMTP transaction of one run: waits for a slot, and marks the run's
 * attempt `throttled` (once) when the limit made a mail wait.
 */
export function throttleRun(limiter: RateLimiter, sequelize: Sequelize, attemptId: number): () => Promise<void> {
  let marked = false;
  return async () => {
    const waited = await limiter.take();
    if (waited >= THROTTLED_AFTER_MS && !marked) {
      marked = true;
      await sequelize
        .query('UPDATE attempts SET throttled = true WHERE id = $1 AND NOT throttled', { bind: [attemptId] })
        .catch(() => {
          marked = false;
        });
    }
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
