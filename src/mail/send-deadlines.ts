// The whole-send deadline (SmtpTimeouts.sendMs) of each mail, handed to nodemailer as its `signal`. nodemailer takes
// any object with `aborted`, `reason` and add/removeEventListener (it duck-types the signal). Node's
// AbortSignal.timeout costs ~20 µs a mail (an EventTarget, a timer, and an AbortController in nodemailer's pool),
// about 2 % of a mail's CPU at full speed, and keeps a 15-minute timer per mail. The deadlines of one transport
// share one timer instead: they all last the same time, so they expire in the order they were set.

/** What a send given up at its deadline is aborted with (nodemailer's EABORT error carries it as its cause). */
export class SendDeadlineExceeded extends Error {
  override readonly name = 'TimeoutError';

  constructor(ms: number) {
    super(`the send took longer than its ${ms} ms deadline`);
  }
}

type Listener = () => void;

/** One mail's deadline: an abort signal as nodemailer reads it. */
export class SendDeadline {
  aborted = false;
  reason: unknown = undefined;
  /** Set when the send ended (settled) before the deadline: it will never be aborted. */
  settled = false;
  private listeners: Listener[] = [];

  constructor(readonly expiresAt: number) {}

  addEventListener(type: string, listener: Listener): void {
    if (type === 'abort' && !this.aborted) this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type !== 'abort') return;
    const at = this.listeners.indexOf(listener);
    if (at !== -1) this.listeners.splice(at, 1);
  }

  /** Aborts once: every listener is called once (nodemailer registers them `once`), then forgotten. */
  abort(reason: unknown): void {
    if (this.aborted || this.settled) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

/**
 * The deadlines of one transport, all `ms` long, in the order they were set; one timer, for the oldest unsettled one.
 * A settled deadline is dropped from the front as soon as everything set before it has settled too, so the queue
 * holds about the sends in flight, not every mail of the last `ms`.
 */
export class SendDeadlines {
  private queue: SendDeadline[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(
    private readonly ms: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A deadline `ms` from now. Call settle() on it when the send ends. */
  start(): SendDeadline {
    const deadline = new SendDeadline(this.now() + this.ms);
    this.queue.push(deadline);
    this.arm();
    return deadline;
  }

  /** The send ended: its deadline will not fire, and the settled ones at the front are dropped. */
  settle(deadline: SendDeadline): void {
    deadline.settled = true;
    this.dropSettled();
  }

  /** Deadlines not yet dropped (the sends in flight, and settled ones behind an older one still in flight). */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** Clears the timer (the transport is closed); deadlines still in flight stay as they are. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private dropSettled(): void {
    while (this.head < this.queue.length && (this.queue[this.head]!.settled || this.queue[this.head]!.aborted)) this.head += 1;
    // compact now and then, so the array does not keep every deadline ever set
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      this.stop();
    }
  }

  /** Keeps one timer set for the oldest deadline still in flight (an earlier timer just re-arms when it fires). */
  private arm(): void {
    const first = this.queue[this.head];
    if (!first || this.timerAt <= first.expiresAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = first.expiresAt;
    this.timer = setTimeout(() => this.fire(), Math.max(0, first.expiresAt - this.now()));
    // like AbortSignal.timeout: a pending deadline does not keep the process alive
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    const due: SendDeadline[] = [];
    for (let i = this.head; i < this.queue.length && this.queue[i]!.expiresAt <= now; i += 1) due.push(this.queue[i]!);
    for (const deadline of due) deadline.abort(new SendDeadlineExceeded(this.ms));
    this.dropSettled();
    this.arm();
  }
}
