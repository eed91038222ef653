// The service-wide send-rate limit (SEND_RATE, issue 14 point 1), shared by every process that sends through
// PostgreSQL alone, and the fair turns between owners (point 2).
//
// Design: virtual scheduling (GCRA). The limit is one row of `send_rate_limits` holding the next free send slot;
// slots are `period / count` apart. A process reserves k slots with one atomic statement,
//   UPDATE … SET next_slot = greatest(next_slot, now() + lead) + k × interval RETURNING …
// and each mail waits for its slot before its SMTP transaction starts. The row lock serialises the reservations of
// every process, so the slots of the whole service are evenly spaced: any window of the period's length holds at
// most `count` (+1) mail starts, whatever the number of processes. An idle limit starts again at now() (no burst is
// saved up). We chose this over a token bucket (bursts), a sliding-window log (a row per mail) or advisory locks held
// while sending (a lock per mail, and a stalled holder stops everyone).
//
// A slot is only good at its time: a mail that would start more than `tolerance` (3/4 of an interval, at least
// 2 ms) after its slot — the process stalled (a long GC, a starved CPU), the reservation's answer came late — does not
// spend it: the slot is dropped and the mail takes the next one. Spending slots late is what crowds the arrivals at
// the mail server (the mails of a stall would go out together). The caller takes its slot once it holds an SMTP
// connection (MailTransport.send's `beforeStart`), so no mail waits for a connection after its slot either.
//
// Fair turns: the mails waiting in this process are queued per OWNER and served round-robin, one slot per owner in
// turn (not per run nor per lane: an owner with ten big runs gets no more than an owner with one small run). Across
// processes each process reserves a chunk per owner it has waiting (a tenth of a second's worth per owner, no more
// than the mails waiting, at most `MAX_CHUNK`), so the service's slots are shared about equally between the owners
// waiting anywhere. A process
// reserves only when it has no slot left, so it holds at most one chunk ahead of the others: a process that stops or
// is killed wastes at most that much of the service's capacity. Times are the database's: processes on machines
// whose clocks differ still share one schedule (each converts a slot into a local wait with the database's
// `now()` of the same statement).
import { QueryTypes, type Sequelize } from 'sequelize';
import type { SendRate } from '../config.js';

const MAX_CHUNK = 50;
/** A mail that waited at least this long for its slot makes its run "throttled". */
const THROTTLED_AFTER_MS = 10;

export const SERVICE_LIMIT = 'service';

/** Who a mail is sent for: the runs of one owner share one turn of the round-robin. */
export type RateOwner = string | number;

export interface RateLimiter {
  readonly rate: SendRate;
  /**
   * Waits for a send slot of the service, in `owner`'s turn; resolves with how long the limit made it wait, in ms
   * (not counting the reservation's round trip). Start the SMTP transaction at once: the slot is only good for
   * `tolerance` ms.
   */
  take(owner?: RateOwner): Promise<number>;
}

interface Waiter {
  since: number;
  resolve(waited: number): void;
  reject(error: unknown): void;
}

/** The limiter of this process for one named rate (one per process and name: its lanes share its reserved slots). */
export function createRateLimiter(sequelize: Sequelize, rate: SendRate, name = SERVICE_LIMIT): RateLimiter {
  const intervalMs = rate.periodMs / rate.count;
  const perOwner = Math.max(1, Math.floor(100 / intervalMs));
  const tolerance = Math.max(2, intervalMs * 0.75);
  /**
   * Reserved slots, as local times (Date.now() scale), earliest first; `free` is when the chunk's first slot would
   * have been had the limit been idle (the reservation's own delay, which is not throttling).
   */
  const slots: Array<{ at: number; free: number }> = [];
  /** The waiting mails by owner; the Map's order is the round-robin's (an owner served goes to the back). */
  const waiting = new Map<RateOwner, Waiter[]>();
  let pumping = false;
  let rowReady: Promise<void> | undefined;
  /** The last reservation's round trip: the next chunk starts that far ahead, so its first slot is not already late. */
  let roundTripMs = 10;

  const reserve = async (owners: number, waiters: number): Promise<void> => {
    rowReady ??= sequelize
      .query('INSERT INTO send_rate_limits (name, next_slot) VALUES ($1, now()) ON CONFLICT (name) DO NOTHING', { bind: [name] })
      .then(() => undefined)
      .catch((error: unknown) => {
        rowReady = undefined;
        throw error;
      });
    await rowReady;
    // no more slots than mails waiting now: a slot nobody is ready to spend by its time is lost to the service
    const chunk = Math.max(1, Math.min(MAX_CHUNK, perOwner * owners, waiters));
    const leadMs = Math.min(100, roundTripMs * 1.5 + 2);
    const sentAt = Date.now();
    const [row] = await sequelize.query<{ first_ms: string }>(
      // the first reserved slot, as ms after the database's clock; the statement's clock_timestamp() is its lock time
      `UPDATE send_rate_limits
       SET next_slot = greatest(next_slot, clock_timestamp() + make_interval(secs => $3::float8 / 1000)) + make_interval(secs => $2::float8 / 1000)
       WHERE name = $1
       RETURNING (extract(epoch FROM next_slot - clock_timestamp()) * 1000 - $2::float8)::text AS first_ms`,
      { bind: [name, chunk * intervalMs, leadMs], type: QueryTypes.SELECT },
    );
    if (!row) throw new Error(`send rate limit "${name}" vanished`);
    const answeredAt = Date.now();
    roundTripMs = answeredAt - sentAt;
    // the answer's time in this process's clock: half-way through the round trip
    const statementAt = (sentAt + answeredAt) / 2;
    const first = statementAt + Number(row.first_ms);
    for (let i = 0; i < chunk; i += 1) slots.push({ at: first + i * intervalMs, free: statementAt + leadMs });
  };

  /** The next owner's first waiter, the owner moved to the back of the round. */
  const nextWaiter = (): Waiter | undefined => {
    for (const [owner, queue] of waiting) {
      waiting.delete(owner);
      const waiter = queue.shift();
      if (queue.length > 0) waiting.set(owner, queue);
      if (waiter) return waiter;
    }
    return undefined;
  };

  /** Hands out slots to the waiters while there are any: one loop per process and limit. */
  const pump = async (): Promise<void> => {
    pumping = true;
    try {
      while (waiting.size > 0) {
        // slots gone by are dropped, never spent late
        while (slots.length > 0 && slots[0]!.at < Date.now() - tolerance) slots.shift();
        const slot = slots[0];
        if (slot === undefined) {
          try {
            let waiters = 0;
            for (const queue of waiting.values()) waiters += queue.length;
            await reserve(waiting.size, waiters);
          } catch (error) {
            for (const queue of waiting.values()) for (const waiter of queue) waiter.reject(error);
            waiting.clear();
          }
          continue;
        }
        const wait = slot.at - Date.now();
        if (wait > 0) await sleep(wait);
        // this process stalled past the slot (the timer fired late): the mail takes the next one
        if (Date.now() - slot.at > tolerance) continue;
        slots.shift();
        const waiter = nextWaiter();
        waiter?.resolve(Math.max(0, slot.at - Math.max(waiter.since, slot.free)));
      }
    } finally {
      pumping = false;
    }
  };

  return {
    rate,
    take(owner = '') {
      return new Promise<number>((resolve, reject) => {
        const queue = waiting.get(owner);
        const waiter = { since: Date.now(), resolve, reject };
        if (queue) queue.push(waiter);
        else waiting.set(owner, [waiter]);
        if (!pumping) void pump();
      });
    },
  };
}

/**
 * The hook the send loop hands the transport for each SMTP transaction of one run (called once the mail holds a
 * connection): waits for a slot in the owner's turn, and marks the run's attempt `throttled` (once) when the limit
 * made a mail wait.
 */
export function throttleRun(limiter: RateLimiter, sequelize: Sequelize, attemptId: number, owner?: RateOwner): () => Promise<void> {
  let marked = false;
  return async () => {
    const waited = await limiter.take(owner);
    if (waited >= THROTTLED_AFTER_MS && !marked) {
      marked = true;
      // not awaited: the slot is good now, not after a round trip
      void sequelize
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
