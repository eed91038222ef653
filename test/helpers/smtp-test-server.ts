// A real SMTP server on loopback for tests, which can be told to misbehave the way real mail servers do.
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { onShutdown } from './shared-services.js';

/** A mail the server accepted, parsed. */
export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  subject: string;
  text: string;
  html?: string;
  /** Header values by lower-case name (the last one wins when a header repeats). */
  headers: Record<string, string>;
  /** When the server had the whole message (its end of DATA), before parsing it and before any delayed 250. */
  receivedAt: number;
}

/**
 * Points of the SMTP conversation where a misbehaviour can be injected:
 * greeting = before the 220 banner, mail = the MAIL FROM reply, rcpt = the RCPT TO reply,
 * data = the reply after the message body was received.
 */
export type SmtpStage = 'greeting' | 'mail' | 'rcpt' | 'data';
type ReplyStage = SmtpStage | 'data-command' | 'other';

export interface SmtpTestServerOptions {
  /** Port to listen on (127.0.0.1); 0 or unset picks a free one. Pass an old port to bring a server "back". */
  port?: number;
  /** When set, AUTH must use these credentials; otherwise AUTH is optional and any credentials pass. */
  auth?: { user: string; pass: string };
}

/** How often a misbehaviour fires: `times` undefined means until reset(). */
interface Limited {
  remaining: number | undefined;
}

type StageAction = Limited & { kind: 'stall' | 'drop' };

interface GarbageRule extends Limited {
  text: string;
}

interface RecipientRule extends Limited {
  code: number;
  text: string;
}

interface AfterMessagesRule extends Limited {
  after: number;
  acceptedAtStart: number;
  kind: 'close' | 'drop';
  code: number;
  text: string;
}

/** One client connection, relayed by the front proxy to the inner smtp-server. */
interface Link {
  client: net.Socket;
  backend: net.Socket;
  stalled: boolean;
  /** Stage of each command the client sent that still awaits its reply, oldest first. */
  awaiting: ReplyStage[];
  /** Bytes of the inner server's output not yet forwarded (an incomplete reply). */
  replyBuffer: string;
  /** Unparsed tail of the client's output: a partial command line, or the last bytes of a message body. */
  commandBuffer: string;
  inData: boolean;
}

const INNER_CLOSE_TIMEOUT_MS = 200;

function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/** Index just past the first complete reply in text (its last line has a space after the code), or -1. */
function endOfFirstReply(text: string): number {
  let start = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', start);
    if (lineEnd === -1) return -1;
    if (text[start + 3] !== '-') return lineEnd + 2;
    start = lineEnd + 2;
  }
}

/**
 * Follows the client's side of the conversation so each reply can be matched to its command
 * (replies come back in command order, PIPELINING included). Message bodies are skipped.
 */
function trackCommands(link: Link, text: string): void {
  let buffer = link.commandBuffer + text;
  for (;;) {
    if (link.inData) {
      const end = buffer.indexOf('\r\n.\r\n');
      if (end === -1) {
        link.commandBuffer = buffer.slice(-4); // enough to spot an end marker split across chunks
        return;
      }
      link.inData = false;
      link.awaiting.push('data');
      buffer = buffer.slice(end + 5);
      continue;
    }
    const lineEnd = buffer.indexOf('\r\n');
    if (lineEnd === -1) {
      link.commandBuffer = buffer;
      return;
    }
    const verb = buffer.slice(0, lineEnd).split(' ')[0]!.toUpperCase();
    link.awaiting.push(verb === 'MAIL' ? 'mail' : verb === 'RCPT' ? 'rcpt' : verb === 'DATA' ? 'data-command' : 'other');
    if (verb === 'DATA') {
      link.inData = true;
      buffer = buffer.slice(lineEnd); // keep the CRLF: an empty body ends right after it
    } else {
      buffer = buffer.slice(lineEnd + 2);
    }
  }
}

function take(rule: Limited | undefined): boolean {
  if (rule === undefined) return false;
  if (rule.remaining === undefined) return true;
  if (rule.remaining <= 0) return false;
  rule.remaining -= 1;
  return true;
}

/**
 * smtp-server (authOptional, no TLS) behind a tiny TCP relay on 127.0.0.1. The relay is what lets the
 * server do things no well-behaved SMTP server does: cut the TCP connection, answer garbage, or stop
 * listening and come back on the same port. Every conversation is still real SMTP over TCP.
 */
export class SmtpTestServer {
  /** Every accepted mail, in arrival order. */
  readonly messages: ReceivedMail[] = [];
  /** TCP connections accepted since start or the last reset(). */
  connectionCount = 0;

  private readonly events = new EventEmitter();
  private readonly links = new Map<number, Link>();
  private readonly rcptCounts = new Map<string, number>();
  private readonly recipientRules = new Map<string, RecipientRule>();
  private readonly stageActions = new Map<SmtpStage, StageAction>();
  private readonly garbageRules = new Map<SmtpStage, GarbageRule>();
  private greetingDelayMs = 0;
  private messageDelayMs = 0;
  private afterMessages: AfterMessagesRule | undefined;
  private acceptedTotal = 0;
  private listening = false;
  private readonly front: net.Server;
  private readonly inner: SMTPServer;
  private innerPort = 0;

  private constructor(
    private publicPort: number,
    options: SmtpTestServerOptions,
  ) {
    this.front = net.createServer((client) => this.relay(client));
    this.front.on('error', () => undefined);
    this.inner = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      secure: false,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      closeTimeout: INNER_CLOSE_TIMEOUT_MS,
      socketTimeout: 60_000,
      onAuth: (auth, _session, callback) => {
        const expected = options.auth;
        if (expected && (auth.username !== expected.user || auth.password !== expected.pass)) {
          callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
          return;
        }
        callback(null, { user: auth.username ?? 'anonymous' });
      },
      onConnect: (session, callback) => this.onConnect(session, callback),
      onMailFrom: (address, session, callback) => this.onMailFrom(address, session, callback),
      onRcptTo: (address, session, callback) => this.onRcptTo(address, session, callback),
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
    this.inner.on('error', () => undefined);
  }

  /** Starts a well-behaved server; misbehaviours are switched on afterwards, per test. */
  static async start(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
    const server = new SmtpTestServer(options.port ?? 0, options);
    await new Promise<void>((resolve, reject) => {
      server.inner.server.once('error', reject);
      server.inner.listen(0, '127.0.0.1', () => {
        server.innerPort = (server.inner.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
    await server.acceptConnections();
    return server;
  }

  get port(): number {
    return this.publicPort;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.publicPort}`;
  }

  // ---- reading what arrived --------------------------------------------------------------------

  /** Mails whose envelope includes this recipient (case-insensitive). */
  messagesTo(address: string): ReceivedMail[] {
    const wanted = address.toLowerCase();
    return this.messages.filter((mail) => mail.envelopeTo.some((to) => to.toLowerCase() === wanted));
  }

  /** How many RCPT TO commands named this address (accepted or refused) since start or reset(). */
  rcptAttempts(address: string): number {
    return this.rcptCounts.get(address.toLowerCase()) ?? 0;
  }

  /** Resolves once at least n mails arrived; rejects after timeoutMs with what did arrive. */
  async waitForMessages(n: number, timeoutMs = 1000): Promise<ReceivedMail[]> {
    if (this.messages.length >= n) return this.messages.slice();
    return new Promise((resolve, reject) => {
      const onMessage = (): void => {
        if (this.messages.length < n) return;
        clearTimeout(timer);
        this.events.off('message', onMessage);
        resolve(this.messages.slice());
      };
      const timer = setTimeout(() => {
        this.events.off('message', onMessage);
        reject(new Error(`SmtpTestServer: expected ${n} message(s) within ${timeoutMs} ms, got ${this.messages.length}`));
      }, timeoutMs);
      this.events.on('message', onMessage);
    });
  }

  // ---- misbehaviour knobs ----------------------------------------------------------------------

  /** Waits ms before sending the 220 greeting (a client's greetingTimeout can fire). */
  delayGreeting(ms: number): void {
    this.greetingDelayMs = ms;
  }

  /** A slow server: each message is accepted (recorded, then answered 250) this long after its body arrived. */
  delayMessages(ms: number): void {
    this.messageDelayMs = ms;
  }

  /** Never answers at this stage; the connection stays open and silent (a client's socketTimeout fires). */
  stallAt(stage: SmtpStage, options: { times?: number } = {}): void {
    this.stageActions.set(stage, { kind: 'stall', remaining: options.times });
  }

  /** Destroys the TCP connection at this stage instead of answering. */
  dropAt(stage: SmtpStage, options: { times?: number } = {}): void {
    this.stageActions.set(stage, { kind: 'drop', remaining: options.times });
  }

  /** Sends a line that is not an SMTP reply instead of the answer at this stage. */
  garbageAt(stage: SmtpStage, options: { text?: string; times?: number } = {}): void {
    this.garbageRules.set(stage, { text: options.text ?? 'HELLO?? this is not SMTP', remaining: options.times });
  }

  /** Answers RCPT TO for this address with code + text, for the first `times` attempts (all when unset). */
  refuseRecipient(address: string, code: number, text: string, options: { times?: number } = {}): void {
    if (code < 400 || code > 599) throw new RangeError(`refuseRecipient needs a 4xx or 5xx code, got ${code}`);
    this.recipientRules.set(address.toLowerCase(), { code, text, remaining: options.times });
  }

  /**
   * After `count` more mails are accepted, answers the next MAIL FROM with 421 + text and closes the
   * connection (a server shedding load mid-batch). Fires `times` times (until reset() when unset).
   */
  closeAfterMessages(count: number, options: { text?: string; times?: number } = {}): void {
    this.afterMessages = {
      kind: 'close',
      after: count,
      acceptedAtStart: this.acceptedTotal,
      code: 421,
      text: options.text ?? '4.3.2 Service shutting down, try again later',
      remaining: options.times,
    };
  }

  /** After `count` more mails are accepted, cuts the TCP connection at the next MAIL FROM. */
  dropAfterMessages(count: number, options: { times?: number } = {}): void {
    this.afterMessages = { kind: 'drop', after: count, acceptedAtStart: this.acceptedTotal, code: 0, text: '', remaining: options.times };
  }

  /** Closes the listening port and every open connection: clients get ECONNREFUSED until acceptConnections(). */
  async refuseConnections(): Promise<void> {
    this.destroyLinks(() => true);
    if (!this.listening) return;
    this.listening = false;
    await new Promise<void>((resolve) => this.front.close(() => resolve()));
  }

  /** Listens again on the same port (the server "comes back"). */
  async acceptConnections(): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.front.once('error', onError);
      this.front.listen(this.publicPort, '127.0.0.1', () => {
        this.front.off('error', onError);
        this.publicPort = (this.front.address() as net.AddressInfo).port;
        resolve();
      });
    });
    this.listening = true;
  }

  /** Forgets received mails and counters, switches every misbehaviour off and cuts stalled connections. */
  reset(): void {
    this.messages.length = 0;
    this.connectionCount = 0;
    this.rcptCounts.clear();
    this.recipientRules.clear();
    this.stageActions.clear();
    this.garbageRules.clear();
    this.greetingDelayMs = 0;
    this.messageDelayMs = 0;
    this.afterMessages = undefined;
    this.destroyLinks((link) => link.stalled);
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    await this.refuseConnections();
    await new Promise<void>((resolve) => this.inner.close(() => resolve()));
  }

  // ---- the relay -------------------------------------------------------------------------------

  private relay(client: net.Socket): void {
    this.connectionCount += 1;
    const backend = net.connect(this.innerPort, '127.0.0.1');
    // a transparent relay: no Nagle delay on either leg (nodemailer and smtp-server both turn it off; a relay that
    // kept it would hold the end of DATA until the server's delayed ACK, up to 40 ms per mail, more under load)
    client.setNoDelay(true);
    backend.setNoDelay(true);
    const link: Link = { client, backend, stalled: false, awaiting: ['greeting'], replyBuffer: '', commandBuffer: '', inData: false };
    let key: number | undefined;
    client.on('error', () => undefined);
    backend.on('error', () => undefined);
    backend.once('connect', () => {
      // the inner server sees the relay's local port as the session's remote port: that is the key
      key = backend.localPort;
      if (key !== undefined) this.links.set(key, link);
    });
    client.on('data', (chunk: Buffer) => {
      trackCommands(link, chunk.toString('latin1'));
      backend.write(chunk);
    });
    backend.on('data', (chunk: Buffer) => this.forwardReplies(link, chunk.toString('latin1')));
    client.on('end', () => backend.end());
    backend.on('end', () => client.end());
    const close = (): void => {
      if (key !== undefined && this.links.get(key) === link) this.links.delete(key);
      client.destroy();
      backend.destroy();
    };
    client.on('close', close);
    backend.on('close', close);
  }

  /** Passes the inner server's replies to the client, swapping the reply of a garbage stage. */
  private forwardReplies(link: Link, text: string): void {
    link.replyBuffer += text;
    let out = '';
    for (;;) {
      const end = endOfFirstReply(link.replyBuffer);
      if (end === -1) break;
      const reply = link.replyBuffer.slice(0, end);
      link.replyBuffer = link.replyBuffer.slice(end);
      const stage = link.awaiting.shift();
      if (stage === 'data-command' && !reply.startsWith('354')) {
        // DATA refused: the client sends no body, its next line is a command again
        link.inData = false;
        link.commandBuffer = '';
      }
      const garbage = stage === 'data-command' || stage === 'other' || stage === undefined ? undefined : this.garbageRules.get(stage);
      out += take(garbage) && garbage ? `${garbage.text}\r\n` : reply;
    }
    if (out !== '') link.client.write(Buffer.from(out, 'latin1'));
  }

  private destroyLinks(which: (link: Link) => boolean): void {
    for (const [key, link] of this.links) {
      if (!which(link)) continue;
      this.links.delete(key);
      link.client.destroy();
      link.backend.destroy();
    }
  }

  private linkOf(session: SMTPServerSession): Link | undefined {
    return this.links.get(session.remotePort);
  }

  /** Applies a stall or drop set for this stage; true means it took over and the caller must not answer. */
  private misbehave(stage: SmtpStage, session: SMTPServerSession): boolean {
    const action = this.stageActions.get(stage);
    if (!take(action) || action === undefined) return false;
    const link = this.linkOf(session);
    if (action.kind === 'drop') {
      link?.client.destroy();
      link?.backend.destroy();
      return true;
    }
    if (link) link.stalled = true;
    return true;
  }

  private onConnect(session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const greet = (): void => {
      if (this.misbehave('greeting', session)) return;
      callback();
    };
    if (this.greetingDelayMs > 0) setTimeout(greet, this.greetingDelayMs).unref();
    else greet();
  }

  private onMailFrom(_address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const rule = this.afterMessages;
    if (rule && this.acceptedTotal - rule.acceptedAtStart >= rule.after && take(rule)) {
      if (rule.kind === 'close') {
        callback(smtpError(rule.code, rule.text)); // smtp-server closes the connection after a 421
      } else {
        const link = this.linkOf(session);
        link?.client.destroy();
        link?.backend.destroy();
      }
      return;
    }
    if (this.misbehave('mail', session)) return;
    callback();
  }

  private onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const key = address.address.toLowerCase();
    this.rcptCounts.set(key, (this.rcptCounts.get(key) ?? 0) + 1);
    const rule = this.recipientRules.get(key);
    if (take(rule) && rule) {
      callback(smtpError(rule.code, rule.text));
      return;
    }
    if (this.misbehave('rcpt', session)) return;
    callback();
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      // the mail's arrival: the server has all of it (its parsing and any delayed answer come after)
      const receivedAt = Date.now();
      if (this.misbehave('data', session)) return;
      const raw = Buffer.concat(chunks).toString('utf8');
      const envelope = session.envelope;
      void new Promise((resolve) => setTimeout(resolve, this.messageDelayMs)).then(() => this.store(raw, envelope.mailFrom ? envelope.mailFrom.address : '', envelope.rcptTo.map((to) => to.address), receivedAt)).then(
        () => callback(),
        (error: unknown) => callback(smtpError(451, `4.3.0 test server could not parse the message: ${String(error)}`)),
      );
    });
  }

  /** Parses and records a mail before the client gets its 250, so a resolved send is always visible. */
  private async store(raw: string, envelopeFrom: string, envelopeTo: string[], receivedAt: number): Promise<void> {
    const parsed = await simpleParser(raw);
    const headers: Record<string, string> = {};
    for (const { key, line } of parsed.headerLines) {
      headers[key.toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    }
    this.messages.push({
      envelopeFrom,
      envelopeTo,
      raw,
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : undefined,
      headers,
      receivedAt,
    });
    this.acceptedTotal += 1;
    this.events.emit('message');
  }
}

let shared: Promise<SmtpTestServer> | undefined;

/**
 * One SmtpTestServer for the whole mocha run, stopped after the last test file. Call reset() in
 * afterEach: misbehaviours and received mails otherwise leak into the next test.
 */
export function sharedSmtpTestServer(): Promise<SmtpTestServer> {
  shared ??= SmtpTestServer.start().then((server) => {
    onShutdown(() => server.stop());
    return server;
  });
  return shared;
}
