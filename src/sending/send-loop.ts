// The send loop: `concurrency` lanes take deliveries and hand each mail to the transport, recording what became of
// it (write-behind). A temporary failure is tried again after the retry policy's wait, from a due-time queue
// (retry-queue.ts): the waiting recipient holds no lane and no connection, the lanes keep sending to everyone
// else. Connection-level failures (refused, no greeting, TLS, login) are counted across the pool: after one, a
// single re-check at a time goes out; after `maxConnectionFailures` in a row the server is taken for dead and the
// run stops opening connections (a server that never greets costs one greeting timeout per run, not one per recipient).
// A temporary failure still failing after the run's own retries waits for a later try of the run (`retrying`, at
// `laterRetryAt`; later-retries.ts) when later tries are left; each try's answer of such a delivery is kept.
import { classifyMailError, type MailSendError } from '../mail/mail-errors.js';
import { isHardBounce } from '../mail/bounces.js';
import type { MailTransport } from '../mail/transport.js';
import { buildMail, type RunContent } from './build-mail.js';
import type { DeliveryBatches, DeliveryRow } from './delivery-batches.js';
import { RetryQueue } from './retry-queue.js';
import type { RetryPolicy } from './retry-policy.js';
import type { RunWatch } from './watch.js';
import type { DeliveryResult, ResultWriter, TryAnswer } from './write-behind.js';
import type { SlotHooks } from './rate-limit.js';

/** What the slot's wait throws when the run was stopped meanwhile: nothing was sent. */
const STOPPED_BEFORE_START = new Error('the run was stopped before this mail started');

/** How often an idle lane (everyone left is waiting for a retry) looks whether the run was stopped. */
const IDLE_CHECK_MS = 200;

export interface SendLoopOptions {
  transport: MailTransport;
  content: RunContent;
  batches: DeliveryBatches;
  writer: ResultWriter;
  watch: RunWatch;
  retry: RetryPolicy;
  concurrency: number;
  /** Connection-level failures in a row, across the pool, after which the server is taken for dead. */
  maxConnectionFailures: number;
  /** Wait before a delivery whose connection failed goes again (the re-check of the server). */
  connectionRecheckMs: number;
  /** Once the run is stopped, how long the mails in flight are waited for before the loop returns anyway. */
  stopGraceMs: number;
  /** The send-rate limit's (SEND_RATE) checks for one mail (rate-limit.ts throttleRun); absent when the rate is unlimited. */
  rateLimit?: () => SlotHooks;
  /** When a delivery that already had `laterTries` later tries is tried again later; undefined: it fails for good (none left, or none configured). */
  laterRetryAt?: (laterTries: number) => Date | undefined;
  /** The time each try's answer is recorded at (the engine's clock). */
  clock?: () => Date;
}

export interface SendLoopResult {
  /**
   * Set when the server was taken for dead: its state in words ("the mail server did not send its greeting in
   * time …"). The deliveries the loop did not get to are left `pending`/`sending` for the caller to mark.
   */
  serverDown?: string;
}

/** A delivery taken by a lane, with the tries made so far (earlier holders' included). */
interface Turn {
  row: DeliveryRow;
  tries: number;
  lastError?: MailSendError;
  /** The failed tries of this run so far (kept in delivery_tries when the delivery needed more than one). */
  answers: TryAnswer[];
}

/** Lanes with nothing to do sleep here until a retry is due, a send ends, or the time is up. */
class Wakeup {
  private waiters: Array<() => void> = [];

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      const waiters = this.waiters;
      function done(): void {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i !== -1) waiters.splice(i, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  notify(): void {
    for (const done of this.waiters.slice()) done();
  }
}

/** Sends every delivery of the batches, or until the run is stopped or the server found dead; rejects when reading a batch fails. */
export async function sendAll(options: SendLoopOptions): Promise<SendLoopResult> {
  const { transport, content, batches, writer, watch, retry } = options;
  const retries = new RetryQueue<Turn>();
  const wakeup = new Wakeup();
  let inFlight = 0;
  let connectionFailures = 0;
  let serverDown: string | undefined;
  const stopped = (): boolean => watch.halted() || serverDown !== undefined;
  const now = options.clock ?? ((): Date => new Date());

  /** Writes a final result; a delivery that needed more than one try (in this run or a later one) keeps each try's answer. */
  const record = (turn: Turn, result: DeliveryResult): void => {
    const history = turn.answers.length > 0 || turn.row.laterTries > 0 || result.status === 'retrying'
      ? [...turn.answers, { try: result.tries, status: result.status, code: result.code, response: result.response, at: now() }]
      : undefined;
    writer.record(history ? { ...result, history } : result);
  };

  /** A failure the run's own retries did not overcome: waits for a later try when it is temporary and one is left, else fails for good. */
  const giveUp = (turn: Turn, tries: number, error: MailSendError, hardBounce = false): void => {
    const { row } = turn;
    const code = error.responseCode ?? null;
    const response = (error.response ?? error.message).slice(0, 2000);
    const retryAt = error.temporary ? options.laterRetryAt?.(row.laterTries) : undefined;
    if (retryAt) record(turn, { id: row.id, status: 'retrying', tries, code, response, sentAt: null, retryAt });
    else record(turn, { id: row.id, status: 'failed', tries, code, response, sentAt: null, hardBounce });
  };

  const send = async (turn: Turn): Promise<void> => {
    const { row } = turn;
    const tries = turn.tries + 1;
    const { rateLimit } = options;
    // the slot is taken once the mail holds a connection, so it starts right at its slot, and checked again before
    // the message's bytes (rate-limit.ts)
    const slot = rateLimit?.();
    const waitForSlot = slot && {
      beforeStart: async () => {
        await slot.beforeStart();
        if (stopped()) throw STOPPED_BEFORE_START;
      },
      beforeData: slot.beforeData,
    };
    inFlight += 1;
    try {
      const info = await transport.send(buildMail(content, row), waitForSlot);
      connectionFailures = 0;
      record(turn, { id: row.id, status: 'sent', tries, code: info.responseCode ?? null, response: info.response || null, sentAt: new Date() });
    } catch (raw) {
      // stopped while waiting for its slot: the row stays as marked (`cancelled`, or `sending` for the next holder)
      if (raw === STOPPED_BEFORE_START) return;
      const error = classifyMailError(raw);
      // the message went out and no verdict came: it may have been accepted, so it is never sent again
      if (error.unknownOutcome) {
        connectionFailures = 0;
        record(turn, { id: row.id, status: 'unknown', tries, code: null, response: error.message.slice(0, 2000), sentAt: null });
        return;
      }
      if (!error.connectionLevel) connectionFailures = 0;
      else if ((connectionFailures += 1) >= options.maxConnectionFailures && serverDown === undefined) {
        serverDown = `${(error.response ?? error.message).replace(/^Mail not sent: /, '')} (${connectionFailures} connections in a row failed)`;
      }
      const triesThisRun = tries - row.tries;
      const answers = [...turn.answers, { try: tries, status: 'failed' as const, code: error.responseCode ?? null, response: (error.response ?? error.message).slice(0, 2000), at: now() }];
      if (error.temporary && triesThisRun < retry.maxTries && !watch.leaseLost && serverDown === undefined) {
        // a failed connection is re-checked soon; a refusal of the mail waits for the retry policy's backoff
        const delay = error.connectionLevel ? options.connectionRecheckMs : retry.delayMs(triesThisRun + 1);
        retries.push(Date.now() + delay, { row, tries, lastError: error, answers });
        return;
      }
      const last = { ...turn, answers: answers.slice(0, -1) };
      // only a refusal of the recipient says anything about its address (not one of our sender, nor a lost line)
      const ofRecipient = error.command === undefined || /^(RCPT|DATA)/i.test(error.command);
      const hardBounce = ofRecipient && error.responseCode !== undefined && isHardBounce(error.responseCode, error.response);
      giveUp(last, tries, error, hardBounce);
    } finally {
      inFlight -= 1;
      wakeup.notify();
    }
  };

  const lane = async (): Promise<void> => {
    while (!stopped()) {
      // after a failed connection the server is suspect: no new connections beside the one re-check (a due retry,
      // or the next delivery when none waits) until a send gets through
      const suspect = connectionFailures > 0;
      const mayStart = !suspect || inFlight === 0;
      const mayTakeNew = mayStart && (!suspect || retries.size === 0);
      const due = mayStart ? retries.popDue(Date.now()) : undefined;
      const row = due || !mayTakeNew ? undefined : batches.take();
      if (due || row) {
        await send(due ?? { row: row!, tries: row!.tries, answers: [] });
        continue;
      }
      if (mayTakeNew && !batches.done) {
        await batches.more();
        continue;
      }
      if (batches.done && retries.size === 0 && inFlight === 0) break;
      // only retries are left, or other lanes' sends that may add some: sleep until one is due
      const dueIn = retries.nextDueAt === undefined ? IDLE_CHECK_MS : retries.nextDueAt - Date.now();
      await wakeup.wait(Math.min(dueIn, IDLE_CHECK_MS));
    }
  };

  const lanes = Promise.all(Array.from({ length: options.concurrency }, lane));
  // a person's stop or a shutdown waits for the sends in flight only so long; a dead server's are bounded by its timeouts
  const grace = graceAfterStop(() => watch.halted(), options.stopGraceMs);
  try {
    await Promise.race([lanes, grace.promise]);
  } finally {
    grace.cancel();
    wakeup.notify();
  }

  if (serverDown !== undefined) {
    // those waiting for a retry were tried: they fail (or wait for a later try) with what their last try got
    for (const turn of retries.drain()) giveUp({ ...turn, answers: turn.answers.slice(0, -1) }, turn.tries, turn.lastError!);
  }
  return { serverDown };
}

/**
 * Resolves `graceMs` after `stopped()` turned true (looked at every IDLE_CHECK_MS): a send stuck on a server that
 * trickles or stalls must not keep a stopped run, or a process shutting down, waiting for minutes. A mail left in
 * flight stays `sending`: the next holder sends it again under the same Message-ID (the at-least-once window).
 */
function graceAfterStop(stopped: () => boolean, graceMs: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const promise = new Promise<void>((resolve) => {
    const look = (): void => {
      if (cancelled) return;
      timer = stopped() ? setTimeout(resolve, graceMs) : setTimeout(look, IDLE_CHECK_MS);
      timer.unref();
    };
    look();
  });
  return {
    promise,
    cancel() {
      cancelled = true;
      if (timer) clearTimeout(timer);
    },
  };
}
