// The SMTP MailTransport: a nodemailer connection pool with a deadline on every step, failures as MailSendError.
import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import DKIM from 'nodemailer/lib/dkim';
import type { SendMailOptions, SMTPPoolSentMessageInfo } from 'nodemailer';
import { OperationalError } from '../errors.js';
import { classifyMailError, MailSendError } from './mail-errors.js';
import type { MailTransport, OutgoingMail, SendOptions, SentInfo } from './transport.js';
import { DKIM_SIGNED_HEADERS, type DkimSettings } from './dkim.js';
import { SendDeadlines } from './send-deadlines.js';

export interface SmtpTimeouts {
  /** Opening the TCP (or TLS) connection. */
  connectionMs: number;
  /** Waiting for the server's 220 greeting once connected. */
  greetingMs: number;
  /** Silence on an open connection while waiting for any reply, the one to the end of DATA included. */
  socketMs: number;
  /**
   * One whole send, from the moment a connection slot is free: bounds a server that trickles its
   * replies slowly enough that socketMs never fires.
   */
  sendMs: number;
  /** Resolving the server's host name (nodemailer caps it at connectionMs). */
  dnsMs: number;
}

export interface SmtpPoolSettings {
  /** Parallel connections to the server. */
  maxConnections: number;
  /**
   * Mails sent over one connection before it is replaced. Unbounded by default: a connection serves the whole run
   * and is replaced only when the server closes it (a server that caps mails per connection says so with a 421 or
   * by closing, and the pool opens a new one).
   */
  maxMessages: number;
  /**
   * How often nodemailer may move a mail to a fresh connection when the server dropped the idle
   * one it was assigned to. It only does so when not a byte of the mail was sent, so this cannot
   * deliver twice; the sending engine's own retries handle everything else.
   */
  maxRequeues: number;
}

export interface SmtpTransportOptions {
  /** smtp://user:pass@host:port or smtps://…; query options (e.g. ?ignoreTLS=true) pass through to nodemailer. */
  url: string;
  /** Default sender, "Name <address>" or an address. */
  from: string;
  pool?: Partial<SmtpPoolSettings>;
  timeouts?: Partial<SmtpTimeouts>;
  /** Receives one line per connection-level problem that no send is waiting for. */
  logger?: (line: string) => void;
  /** Sign every mail with this key (DKIM); unset: unsigned. */
  dkim?: DkimSettings;
  /**
   * close() waits this long for the sends in flight, then closes their connections anyway (a stalled server must
   * not hold a process that is shutting down); those sends fail. Default 3 s.
   */
  closeGraceMs?: number;
}

/**
 * In the spirit of RFC 5321 §4.5.3.2, which lets a server take 5 minutes for its greeting and for MAIL/RCPT and
 * 10 minutes for the end of DATA: a slow server that answers is a working server. Connecting gets 2 minutes (a
 * TCP handshake that takes longer is not coming). nodemailer has one silence limit for every reply, so the end of
 * DATA gets socketMs (5 minutes) too, not 10: a reply that never comes there is recorded as an unknown outcome and
 * never resent, so waiting longer would only hold a connection. The whole send is bounded at 15 minutes (a new
 * connection's 2 + 5 minutes, then the conversation).
 */
export const DEFAULT_SMTP_TIMEOUTS: Readonly<SmtpTimeouts> = Object.freeze({
  connectionMs: 120_000,
  greetingMs: 300_000,
  socketMs: 300_000,
  sendMs: 900_000,
  dnsMs: 30_000,
});

export const DEFAULT_SMTP_POOL: Readonly<SmtpPoolSettings> = Object.freeze({
  maxConnections: 5,
  maxMessages: Infinity,
  maxRequeues: 2,
});

/** The URL for messages and logs, password hidden. */
export function redactSmtpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable SMTP URL)';
  }
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OperationalError(`SMTP transport: ${redactSmtpUrl(url)} is not a valid URL`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new OperationalError(`SMTP transport: the URL must start with smtp:// or smtps://, got ${parsed.protocol}//`);
  }
}

/** Counting semaphore, so a mail's sendMs deadline starts when it gets a connection, not while it queues. */
class Slots {
  private readonly waiting: Array<() => void> = [];
  constructor(private free: number) {}

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

/** Our own key on nodemailer's mail data (nodemailer copies the data's own string keys, and ignores unknown ones). */
const SEND_PROGRESS = 'mailingServiceSendProgress';

interface SendProgress {
  messageSent: boolean;
  /** SendOptions.beforeData, run when the connection starts reading the message; what it threw. */
  beforeData?: () => Promise<void>;
  gateError?: unknown;
}

/**
 * The message stream, held back until `hook` resolves. The connection reads the message only once the server has
 * answered DATA (nodemailer pipes it then), and Readable.from starts the generator at that first read.
 */
function gated(input: Readable, progress: SendProgress, hook: () => Promise<void>): Readable {
  return Readable.from(
    (async function* () {
      try {
        await hook();
      } catch (error) {
        progress.gateError = error;
        input.destroy();
        throw error;
      }
      for await (const chunk of input) yield chunk as Buffer;
    })(),
    { objectMode: false },
  );
}

function replyCodeOf(response: string): number | undefined {
  const match = /^([2-5]\d\d)[ -]/.exec(response);
  return match ? Number(match[1]) : undefined;
}

/** Builds the pooled SMTP transport; no connection is opened until the first send or verify(). */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  checkUrl(options.url);
  const timeouts = { ...DEFAULT_SMTP_TIMEOUTS, ...options.timeouts };
  const pool = { ...DEFAULT_SMTP_POOL, ...options.pool };
  const log = options.logger ?? ((line: string) => console.warn(line));
  const where = redactSmtpUrl(options.url);

  const transporter = nodemailer.createTransport({
    pool: true,
    url: options.url,
    maxConnections: pool.maxConnections,
    maxMessages: pool.maxMessages,
    maxRequeues: pool.maxRequeues,
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    dnsTimeout: timeouts.dnsMs,
  });
  // nodemailer's errors do not say whether the message had gone out (a timeout after the end of DATA says
  // command 'CONN', like one before MAIL FROM): the 'end' of the message stream's last stage says when the
  // connection has read the whole message, after which only the end-of-DATA marker and the reply remain. (Not a
  // transform's flush: those stages fill up before the connection reads anything. And no extra stream per mail: the
  // process function hands its input back, only listening to it.)
  // DKIM: nodemailer's `dkim` transport option would add its signing stage AFTER this plugin's, and the signer reads
  // the whole message before the connection reads a byte, so 'end' would come too early and a failure before the
  // end of DATA would pass for an unknown outcome. So nodemailer's own signer runs here, as the last stage, and the
  // end listened to is that of the signed stream the connection reads.
  const signer = options.dkim
    ? new DKIM({ ...options.dkim, headerFieldNames: DKIM_SIGNED_HEADERS })
    : undefined;
  transporter.use('stream', (mail, done) => {
    const progress = (mail.data as { [SEND_PROGRESS]?: SendProgress })[SEND_PROGRESS];
    // run again for each stream: a mail moved to another connection is streamed anew
    if (progress || signer) {
      mail.message.processFunc((input) => {
        const signed = signer ? signer.sign(input) : input;
        // the DKIM signer reads the whole message ahead; the gate holds back what the connection reads
        const output = progress?.beforeData ? gated(signed, progress, progress.beforeData) : signed;
        if (progress) {
          output.once('end', () => {
            progress.messageSent = true;
          });
        }
        return output;
      });
    }
    done();
  });
  // a connection that dies while idle is reported here, with no send to reject: an unhandled
  // 'error' event would take the whole process down
  transporter.on('error', (error: unknown) => {
    log(`[mail] SMTP pool at ${where}: ${classifyMailError(error).message}`);
  });

  const slots = new Slots(pool.maxConnections);
  const deadlines = new SendDeadlines(timeouts.sendMs);
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  function closedError(): MailSendError {
    return new MailSendError('Mail not sent: the SMTP transport was closed', { temporary: true, code: 'ECLOSED' });
  }

  async function deliver(mail: OutgoingMail, beforeData?: () => Promise<void>): Promise<SentInfo> {
    let info: SMTPPoolSentMessageInfo;
    const progress: SendProgress = { messageSent: false, beforeData };
    const deadline = deadlines.start();
    try {
      info = await transporter.sendMail({
        [SEND_PROGRESS]: progress,
        from: mail.from ?? options.from,
        to: mail.to,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        // nodemailer duck-types its signal (`aborted`, add/removeEventListener: mailer/index.js isAbortSignal)
        signal: deadline as unknown as AbortSignal,
      } as SendMailOptions);
    } catch (error) {
      if (progress.gateError !== undefined) throw progress.gateError;
      throw classifyMailError(error, { messageSent: progress.messageSent });
    } finally {
      deadlines.settle(deadline);
    }
    // nodemailer resolves when at least one recipient was accepted; ours has exactly one, but be sure
    if (info.rejected.length > 0) {
      const rejected = (info as { rejectedErrors?: unknown[] }).rejectedErrors?.[0];
      throw classifyMailError(rejected ?? { code: 'EENVELOPE', message: `the server refused ${typeof mail.to === 'string' ? mail.to : mail.to.address}` });
    }
    const response = String(info.response ?? '');
    return { messageId: info.messageId, response, responseCode: replyCodeOf(response) };
  }

  return {
    async send(mail: OutgoingMail, sendOptions: SendOptions = {}): Promise<SentInfo> {
      if (closed) throw closedError();
      await slots.acquire();
      if (closed) {
        slots.release();
        throw closedError();
      }
      if (sendOptions.beforeStart) {
        try {
          await sendOptions.beforeStart();
        } catch (error) {
          slots.release();
          throw error;
        }
        if (closed) {
          slots.release();
          throw closedError();
        }
      }
      const sending = deliver(mail, sendOptions.beforeData);
      inFlight.add(sending);
      try {
        return await sending;
      } finally {
        inFlight.delete(sending);
        slots.release();
      }
    },

    async verify(): Promise<void> {
      try {
        await transporter.verify();
      } catch (error) {
        throw classifyMailError(error);
      }
    },

    async close(): Promise<void> {
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), options.closeGraceMs ?? 3000);
        }),
      ]);
      clearTimeout(timer);
      deadlines.stop();
      // nodemailer 10's pool: `force` also closes the connections that are delivering (their sends fail)
      (transporter.close as (options?: { force?: boolean }) => void)({ force: gaveUp });
    },
  };
}
