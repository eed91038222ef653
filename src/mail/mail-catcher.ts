// The local mail catcher for development: a real SMTP server on 127.0.0.1 that files every mail as an .eml.
import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressObject } from 'mailparser';
import { OperationalError } from '../errors.js';

export interface MailCatcherOptions {
  /** Port on 127.0.0.1; 0 picks a free one (read it back from `port` after start()). */
  port: number;
  /** Folder for the .eml files, created when missing (the app passes `<dataDir>/mailbox`). */
  dir: string;
  /** Largest mail accepted, in bytes (the catcher must not fill the disk). */
  maxBytes?: number;
  logger?: (line: string) => void;
}

export interface CaughtMailSummary {
  id: string;
  from: string;
  to: string;
  subject: string;
  date: Date;
}

export interface CaughtMail extends CaughtMailSummary {
  text: string;
  html?: string;
}

export interface MailCatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly port: number;
  readonly url: string;
  /** Newest first, at most `limit` mails. */
  list(limit?: number): Promise<CaughtMailSummary[]>;
  /** undefined for an unknown or malformed id. */
  read(id: string): Promise<CaughtMail | undefined>;
}

/** Ids are "<13-digit ms timestamp>-<8 hex>": sortable by age, and nothing else may reach the file system. */
const ID_PATTERN = /^\d{13}-[0-9a-f]{8}$/;

export function isCaughtMailId(id: string): boolean {
  return ID_PATTERN.test(id);
}

let lastStamp = 0;

function newId(): string {
  // strictly increasing, so two mails in the same millisecond still list in arrival order
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return `${String(lastStamp).padStart(13, '0')}-${crypto.randomBytes(4).toString('hex')}`;
}

function addressText(value: AddressObject | AddressObject[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = (Array.isArray(value) ? value : [value]).map((entry) => entry.text).join(', ');
  return text === '' ? undefined : text;
}

/** Header value by name, as a string (mailparser gives structured values for some headers). */
function headerText(headers: Map<string, unknown>, name: string): string | undefined {
  const value = headers.get(name);
  if (typeof value === 'string') return value.replace(/^<|>$/g, '');
  return undefined;
}

function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

export function createMailCatcher(options: MailCatcherOptions): MailCatcher {
  const dir = path.resolve(options.dir);
  const maxBytes = options.maxBytes ?? 25 * 1024 * 1024;
  const log = options.logger ?? ((line: string) => console.warn(line));
  let server: SMTPServer | undefined;
  let port = options.port;

  function fileOf(id: string): string {
    return path.join(dir, `${id}.eml`);
  }

  async function store(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    // what a local delivery agent adds, so the envelope survives in the file (Bcc recipients included)
    const trace =
      `Return-Path: <${envelopeFrom}>\r\n` +
      session.envelope.rcptTo.map((rcpt) => `Delivered-To: ${rcpt.address}\r\n`).join('');
    const id = newId();
    const temporary = path.join(dir, `.incoming-${id}`);
    // write then rename: list() never sees half a mail
    await fs.writeFile(temporary, Buffer.concat([Buffer.from(trace, 'utf8'), raw]));
    await fs.rename(temporary, fileOf(id));
  }

  function onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        callback(smtpError(552, `5.3.4 Message exceeds the catcher's limit of ${maxBytes} bytes`));
        return;
      }
      store(Buffer.concat(chunks), session).then(
        () => callback(),
        (error: unknown) => {
          log(`[mail-catcher] could not store a mail in ${dir}: ${String(error)}`);
          callback(smtpError(451, '4.3.0 The mail catcher could not store the mail'));
        },
      );
    });
  }

  async function parse(id: string): Promise<CaughtMail | undefined> {
    let raw: Buffer;
    try {
      raw = await fs.readFile(fileOf(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const parsed = await simpleParser(raw);
    const headers = parsed.headers as Map<string, unknown>;
    const timestamp = new Date(Number(id.slice(0, 13)));
    return {
      id,
      from: addressText(parsed.from) ?? headerText(headers, 'return-path') ?? '',
      to: addressText(parsed.to) ?? headerText(headers, 'delivered-to') ?? '',
      subject: parsed.subject ?? '',
      date: parsed.date ?? timestamp,
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : undefined,
    };
  }

  return {
    get port() {
      return port;
    },

    get url() {
      return `smtp://127.0.0.1:${port}`;
    },

    async start(): Promise<void> {
      if (server) return;
      await fs.mkdir(dir, { recursive: true });
      const smtp = new SMTPServer({
        authOptional: true,
        allowInsecureAuth: true,
        disabledCommands: ['STARTTLS'],
        disableReverseLookup: true,
        size: maxBytes,
        logger: false,
        banner: 'Mailing Service local mail catcher',
        closeTimeout: 1000,
        onData,
      });
      smtp.on('error', (error) => log(`[mail-catcher] ${error.message}`));
      await new Promise<void>((resolve, reject) => {
        smtp.server.once('error', (error: NodeJS.ErrnoException) => {
          reject(
            new OperationalError(
              error.code === 'EADDRINUSE'
                ? `The mail catcher cannot listen on 127.0.0.1:${options.port}: the port is in use (set MAIL_CATCHER_PORT)`
                : `The mail catcher could not start: ${error.message}`,
              { cause: error },
            ),
          );
        });
        smtp.listen(options.port, '127.0.0.1', () => resolve());
      });
      port = (smtp.server.address() as AddressInfo).port;
      server = smtp;
    },

    async stop(): Promise<void> {
      const smtp = server;
      server = undefined;
      if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },

    async list(limit = 200): Promise<CaughtMailSummary[]> {
      let names: string[];
      try {
        names = await fs.readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const ids = names
        .filter((name) => name.endsWith('.eml'))
        .map((name) => name.slice(0, -'.eml'.length))
        .filter(isCaughtMailId)
        .sort()
        .reverse()
        .slice(0, limit);
      const mails = await Promise.all(ids.map((id) => parse(id)));
      return mails
        .filter((mail): mail is CaughtMail => mail !== undefined)
        .map(({ id, from, to, subject, date }) => ({ id, from, to, subject, date }));
    },

    async read(id: string): Promise<CaughtMail | undefined> {
      if (!isCaughtMailId(id)) return undefined;
      return parse(id);
    },
  };
}
