// The service-wide send-rate limit (SEND_RATE, issue 14 point 1), shared by every process that sends through
// PostgreSQL alone, and the fair turns between owners (point 2).
//
// Design: virtual scheduling (GCRA). The limit is one row of `send_rate_limits` holding the next free send slot;
// slots are evenly spaced. A process reserves k slots with one atomic statement,
//   UPDATE … SET next_slot = greatest(next_slot, now() + lead) + k × interval RETURNING …
// The row lock serialises the reservations of every process, so the slots of the whole service are evenly spaced
// whatever the number of processes. An idle limit starts again at now() (no burst is saved up). We chose this over a
// token bucket (bursts), a sliding-window log (a row per mail) or advisory locks held while sending (a lock per mail,
// and a stalled holder stops everyone).
//
// What the limit bounds is the mails reaching the server: any window of the period's length sees at most `count`
// (+1) mails arrive. A mail goes out a little after its slot (the process's timers fire late under load, the SMTP
// conversation takes its round trips), and mails going out late crowd together. So a slot is good for `tolerance`
// after its time (3 % of the period, between 2 ms and 250 ms) and the slots are spaced by (period + tolerance) /
// count instead of period / count: the arrivals inside any window of the period then come from slots inside a span
// of period + tolerance, which holds at most `count` of them. The price is an average rate 3 % under SEND_RATE for
// rates per second (nothing for rates per hour or day). A mail that would go out later than its slot's tolerance
// does not spend it: the slot is dropped and the mail takes the next one.
//
// Two steps per mail (slotHooks): the mail takes its slot once it holds an SMTP connection (MailTransport.send's
// `beforeStart`), so it does not wait for a connection after its slot; the slot is handed out ahead of its time by
// the SMTP conversation's usual length (MAIL, RCPT, DATA: the median of this process's recent ones, the
// `lead`). When the server has taken the envelope and asked for the message (`beforeData`), the mail waits for its
// slot's time and sends its bytes then, so it reaches the server at its slot whatever the conversation took. A
// conversation longer than lead + tolerance (a new connection's greeting, a slow reply) takes the next slot, first
// in the queue, before the message's bytes go out.
//
// Fair turns: the mails waiting in this process are queued per OWNER and served round-robin, one slot per owner in
// turn (not per run nor per lane: an owner with ten big runs gets no more than an owner with one small run). Across
// processes each process reserves a chunk per owner it has waiting (a tenth of a second's worth per owner, at most
// `MAX_CHUNK`, and no more than this process spends: the mails waiting now, or, when several wait, the slots it
// handed out in the last tenth of a second if more), so the service's slots are shared about equally between the
// owners waiting anywhere. While several mails wait, a process asks for its next chunk when what is left of its
// current one lasts about a reservation's round trip and lead, so at high rates the chunks follow each other without
// a gap (asking only once the chunk was spent left a gap of a round trip and a lead per chunk: half of 500/s was
// lost). It holds at most about one chunk ahead of the others: a process that stops or is killed wastes at most that
// much of the service's capacity. Times are the database's: processes on machines whose clocks differ still share
// one schedule (each converts a slot into a local wait with the database's `now()` of the same statement).
import { QueryTypes, type Sequelize } from 'sequelize';
import type { SendRate } from '../config.js';

const MAX_CHUNK = 50;
/** A mail that waited at least this long for its slot makes its run "throttled". */
const THROTTLED_AFTER_MS = 10;

export const SERVICE_LIMIT = 'service';

/** Who a mail is sent for: the runs of one owner share one turn of the round-robin. */
export type RateOwner = string | number;

/** A send slot handed to a mail: its time (Date.now() scale) and how long the limit made the mail wait for it. */
export interface RateSlot {
  at: number;
  /** In ms, not counting the reservation's round trip. */
  waited: number;
}

export interface RateLimiter {
  readonly rate: SendRate;
  /** How long after its time a slot may still be spent, in ms. */
  readonly toleranceMs: number;
  /**
   * Waits for a send slot of the service, in `owner`'s turn (`first`: ahead of every turn, for a mail that already
   * holds a connection and lost its slot). Resolves up to the lead ahead of the slot's time: start the SMTP
   * transaction at once and send the message's bytes at `at` (the slot is only good for `toleranceMs` after it).
   */
  take(owner?: RateOwner, options?: { first?: boolean }): Promise<RateSlot>;
  /** How long a mail's SMTP conversation took from its slot being handed out to the server asking for the message. */
  noteConversation(ms: number): void;
}

interface Waiter {
  since: number;
  resolve(slot: RateSlot): void;
  reject(error: unknown): void;
}

/** How long after its time a slot may be spent: 2 % of the period, at least 2 ms, at most 250 ms. */
export function slotTolerance(rate: SendRate): number {
  return Math.min(250, Math.max(2, rate.periodMs * 0.02));
}

/**
 * What the mail server's side may add to a mail's lateness (the network, the server's own handling before it
 * counts the mail), kept free in the spacing: 1.5 % of the period, at most 250 ms.
 */
function arrivalJitter(rate: SendRate): number {
  return Math.min(250, rate.periodMs * 0.015);
}

/** The limiter of this process for one named rate (one per process and name: its lanes share its reserved slots). */
export function createRateLimiter(sequelize: Sequelize, rate: SendRate, name = SERVICE_LIMIT): RateLimiter {
  const tolerance = slotTolerance(rate);
  // spaced so that the arrivals of any window of the period come from at most `count` slots, each spent up to
  // `tolerance` late and reaching the server up to `arrivalJitter` later still (see above)
  const intervalMs = (rate.periodMs + tolerance + arrivalJitter(rate)) / rate.count;
  const perOwner = Math.max(1, Math.floor(100 / intervalMs));
  /**
   * Reserved slots, as local times (Date.now() scale), earliest first; `free` is when the chunk's first slot would
   * have been had the limit been idle (the reservation's own delay, which is not throttling).
   */
  const slots: Array<{ at: number; free: number }> = [];
  /** The waiting mails by owner; the Map's order is the round-robin's (an owner served goes to the back). */
  const waiting = new Map<RateOwner, Waiter[]>();
  /** Mails that hold a connection and lost their slot: served before any turn. */
  const first: Waiter[] = [];
  let pumping = false;
  let rowReady: Promise<void> | undefined;
  /** The reservation under way, if any (at most one per process and limit). */
  let reserving: Promise<void> | undefined;
  /** When the slots of the last tenth of a second were handed out (how many this process spends: the next chunk's size). */
  const handedOut: number[] = [];
  /** The last reservation's round trip: the next chunk starts that far ahead (and the lead), so its first slot is not already late. */
  let roundTripMs = 10;
  /** The recent conversations' lengths, and the lead they give (their median, capped: a longer one still has the tolerance). */
  const conversations: number[] = [];
  const maxLead = Math.min(250, rate.periodMs * 0.25);
  let leadMs = Math.min(5, maxLead);

  const reserve = async (owners: number, waiters: number): Promise<void> => {
    rowReady ??= sequelize
      .query('INSERT INTO send_rate_limits (name, next_slot) VALUES ($1, now()) ON CONFLICT (name) DO NOTHING', { bind: [name] })
      .then(() => undefined)
      .catch((error: unknown) => {
        rowReady = undefined;
        throw error;
      });
    await rowReady;
    // no more slots than this process spends: the mails waiting now, or, when more than one waits (the limit, not
    // the lanes, is what holds them), what it handed out in the last tenth of a second if more. A slot nobody is
    // ready to spend by its time is lost to the service.
    const now = Date.now();
    while (handedOut.length > 0 && handedOut[0]! < now - 100) handedOut.shift();
    const spends = waiters > 1 ? Math.max(waiters, handedOut.length) : waiters;
    const chunk = Math.max(1, Math.min(MAX_CHUNK, perOwner * owners, spends));
    // the chunk's first slot no sooner than this reservation's answer and the mail's conversation can be done
    const aheadMs = Math.min(100, roundTripMs * 1.5 + 2) + leadMs;
    const sentAt = Date.now();
    const [row] = await sequelize.query<{ first_ms: string }>(
      // the first reserved slot, as ms after the database's clock; the statement's clock_timestamp() is its lock time
      `UPDATE send_rate_limits
       SET next_slot = greatest(next_slot, clock_timestamp() + make_interval(secs => $3::float8 / 1000)) + make_interval(secs => $2::float8 / 1000)
       WHERE name = $1
       RETURNING (extract(epoch FROM next_slot - clock_timestamp()) * 1000 - $2::float8)::text AS first_ms`,
      { bind: [name, chunk * intervalMs, aheadMs], type: QueryTypes.SELECT },
    );
    if (!row) throw new Error(`send rate limit "${name}" vanished`);
    const answeredAt = Date.now();
    roundTripMs = answeredAt - sentAt;
    // the answer's time in this process's clock: half-way through the round trip
    const statementAt = (sentAt + answeredAt) / 2;
    const first = statementAt + Number(row.first_ms);
    for (let i = 0; i < chunk; i += 1) slots.push({ at: first + i * intervalMs, free: statementAt + aheadMs });
  };

  /** The next owner's first waiter, the owner moved to the back of the round. */
  const nextWaiter = (): Waiter | undefined => {
    if (first.length > 0) return first.shift();
    for (const [owner, queue] of waiting) {
      waiting.delete(owner);
      const waiter = queue.shift();
      if (queue.length > 0) waiting.set(owner, queue);
      if (waiter) return waiter;
    }
    return undefined;
  };

  /** The mails waiting for a slot in this process. */
  const waitingCount = (): number => {
    let waiters = first.length;
    for (const queue of waiting.values()) waiters += queue.length;
    return waiters;
  };
  /** Reserves the next chunk for the owners waiting now; one reservation at a time. */
  const nextChunk = (): Promise<void> => {
    if (reserving === undefined) {
      reserving = reserve(waiting.size + (first.length > 0 ? 1 : 0), waitingCount()).finally(() => {
        reserving = undefined;
      });
    }
    return reserving;
  };

  /** Hands out slots to the waiters while there are any: one loop per process and limit. */
  const pump = async (): Promise<void> => {
    pumping = true;
    try {
      while (waiting.size > 0 || first.length > 0) {
        // slots gone by are dropped, never spent late
        while (slots.length > 0 && slots[0]!.at < Date.now() - tolerance) slots.shift();
        const slot = slots[0];
        if (slot === undefined) {
          try {
            await nextChunk();
          } catch (error) {
            for (const waiter of first.splice(0)) waiter.reject(error);
            for (const queue of waiting.values()) for (const waiter of queue) waiter.reject(error);
            waiting.clear();
          }
          continue;
        }
        // more than one mail waits (the limit holds them) and what is left lasts about a reservation's round trip
        // and lead: the next chunk is asked for now, so that it follows this one without a gap (a failure here is
        // met again, and reported, when the slots run out)
        if (reserving === undefined && waitingCount() > 1 && slots[slots.length - 1]!.at - Date.now() < Math.min(100, roundTripMs * 1.5 + 2) + roundTripMs + leadMs + intervalMs) {
          void nextChunk().catch(() => undefined);
        }
        // handed out ahead by the usual conversation, so the mail is ready to send its bytes at the slot
        const wait = slot.at - leadMs - Date.now();
        if (wait > 0) await sleep(wait);
        // this process stalled past the slot (the timer fired late): the mail takes the next one
        if (Date.now() - slot.at > tolerance) continue;
        slots.shift();
        handedOut.push(Date.now());
        const waiter = nextWaiter();
        waiter?.resolve({ at: slot.at, waited: Math.max(0, slot.at - Math.max(waiter.since, slot.free)) });
      }
    } finally {
      pumping = false;
    }
  };

  return {
    rate,
    toleranceMs: tolerance,
    noteConversation(ms) {
      conversations.push(ms);
      if (conversations.length > 64) conversations.shift();
      const sorted = [...conversations].sort((a, b) => a - b);
      leadMs = Math.min(maxLead, Math.max(0, sorted[Math.floor(sorted.length / 2)]!));
    },
    take(owner = '', options = {}) {
      return new Promise<RateSlot>((resolve, reject) => {
        const queue = waiting.get(owner);
        const waiter = { since: Date.now(), resolve, reject };
        if (options.first) first.push(waiter);
        else if (queue) queue.push(waiter);
        else waiting.set(owner, [waiter]);
        if (!pumping) void pump();
      });
    },
  };
}

/** The two checks of one mail's send (see MailTransport's SendOptions). */
export interface SlotHooks {
  /** Once the mail holds a connection: waits for its slot. */
  beforeStart(): Promise<void>;
  /** Once the server asked for the message: a slot gone stale in the conversation is replaced by the next one. */
  beforeData(): Promise<void>;
}

/**
 * The hooks the send loop hands the transport for each mail of one run: a slot in the owner's turn before the SMTP
 * transaction, checked again before the message's bytes; the run's attempt is marked `throttled` (once) when the
 * limit made a mail wait.
 */
export function throttleRun(limiter: RateLimiter, sequelize: Sequelize, attemptId: number, owner?: RateOwner): () => SlotHooks {
  let marked = false;
  const mark = (waited: number): void => {
    if (waited < THROTTLED_AFTER_MS || marked) return;
    marked = true;
    // not awaited: the slot is good now, not after a round trip
    void sequelize
      .query('UPDATE attempts SET throttled = true WHERE id = $1 AND NOT throttled', { bind: [attemptId] })
      .catch(() => {
        marked = false;
      });
  };
  return () => slotHooks(limiter, owner, (slot) => mark(slot.waited));
}

/** One mail's two checks against `limiter`; `onSlot` sees the slot taken before the transaction. */
export function slotHooks(limiter: RateLimiter, owner?: RateOwner, onSlot?: (slot: RateSlot) => void): SlotHooks {
  let slot: RateSlot | undefined;
  let handedAt = 0;
  return {
    async beforeStart() {
      slot = await limiter.take(owner);
      handedAt = Date.now();
      onSlot?.(slot);
    },
    async beforeData() {
      if (slot === undefined) slot = await limiter.take(owner, { first: true });
      else limiter.noteConversation(Date.now() - handedAt);
      for (;;) {
        // never early (a timer may fire a fraction of a millisecond before its time)
        for (let early = slot.at - Date.now(); early > 0; early = slot.at - Date.now()) await sleep(Math.ceil(early));
        if (Date.now() - slot.at <= limiter.toleranceMs) return;
        // a conversation longer than the lead and the tolerance (or a wait that ended late): this slot is gone, the
        // next one is this mail's, ahead of every turn
        slot = await limiter.take(owner, { first: true });
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
