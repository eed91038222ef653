// The only reader of process.env: parses, validates and freezes every setting of the service.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { ConfigError } from './errors.js';
import { isLanguage, LANGUAGES, type Language } from './languages.js';
import { dkimKeyProblem, type DkimSettings } from './mail/dkim.js';

export interface Config {
  readonly nodeEnv: string;
  readonly isProduction: boolean;
  readonly isTest: boolean;
  /** Address the web server listens on: loopback unless HOST opens it (0.0.0.0 / :: for every interface). */
  readonly host: string;
  /** HTTP port of the web server. */
  readonly port: number;
  /** Public base URL used in e-mail links, without a trailing slash. */
  readonly appUrl: string;
  /** External PostgreSQL; when unset an embedded PostgreSQL is started under dataDir. */
  readonly databaseUrl: string | undefined;
  /** Port of the embedded PostgreSQL (only used when databaseUrl is unset). */
  readonly embeddedPostgresPort: number;
  /** Agenda's job store on MongoDB; when unset Agenda uses the same PostgreSQL. */
  readonly mongodbUrl: string | undefined;
  /** Outgoing mail server; when unset a local mail catcher is started (never in production). */
  readonly smtpUrl: string | undefined;
  /** Port of the local mail catcher (only used when smtpUrl is unset). */
  readonly mailCatcherPort: number;
  readonly mailFrom: string;
  /** SMTP_TIMEOUTS: only the ones set there; the transport's defaults fill the rest. */
  readonly smtpTimeouts: Readonly<SmtpTimeoutSettings>;
  readonly sessionSecret: string;
  /**
   * Signs the unsubscribe links of mailing mails (UNSUBSCRIBE_SECRET; when unset, derived from SESSION_SECRET, so
   * changing that one also voids the links in mails already sent).
   */
  readonly unsubscribeSecret: string;
  /** Absolute folder where embedded services keep their files. */
  readonly dataDir: string;
  /** True when DATA_DIR was not set (the embedded database may then move to a folder its account can reach). */
  readonly dataDirIsDefault: boolean;
  /** Password of the demo accounts; undefined in production unless set. */
  readonly seedPassword: string | undefined;
  /** IANA time zone used for calendar arithmetic of schedules. */
  readonly appTimezone: string;
  /** Language of the screens when the browser asks for none the service speaks. */
  readonly appLocale: Language;
  /** LOG_LEVEL: the least severe log lines written (pino's levels); `silent` writes none. */
  readonly logLevel: LogLevel;
  /** METRICS_TOKEN: the Bearer token /metrics asks for; unset, /metrics answers 404 (disabled). */
  readonly metricsToken: string | undefined;
  /** DELIVERY_RETENTION_DAYS: delivery rows of runs finished longer ago are deleted by the daily job. */
  readonly deliveryRetentionDays: number;
  /** IMPORT_MAX_MB: the largest CSV file of clients accepted by an import, in bytes. */
  readonly importMaxBytes: number;
  /** SEND_RATE: mails per period for the whole service (every process that sends); undefined = unlimited. */
  readonly sendRate: SendRate | undefined;
  /** RETRY_LATER: waits before the later tries of a run's temporary failures (ms); empty (`off`): none. */
  readonly retryLaterMs: readonly number[];
  /** DKIM signing of every mail (DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY); undefined: mails go unsigned. */
  readonly dkim: Readonly<DkimSettings> | undefined;
}

/** A send rate: `count` mails per `periodMs` ("14/s", "500/h", "10000/d"). */
export interface SendRate {
  readonly count: number;
  readonly periodMs: number;
  /** As written in the setting, for messages. */
  readonly text: string;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Env = Record<string, string | undefined>;

/** The SMTP timeouts in milliseconds, as the mail transport takes them (src/mail/smtp-transport.ts). */
export interface SmtpTimeoutSettings {
  connectionMs?: number;
  greetingMs?: number;
  socketMs?: number;
  sendMs?: number;
  dnsMs?: number;
}

const SMTP_TIMEOUT_KEYS: Record<string, keyof SmtpTimeoutSettings> = {
  connection: 'connectionMs',
  greeting: 'greetingMs',
  socket: 'socketMs',
  send: 'sendMs',
  dns: 'dnsMs',
};
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
const MAX_SMTP_TIMEOUT_MS = 3_600_000;

/** "connection=30s,greeting=5m,socket=5m": each name once, each a duration in ms, s or m (a bare number is ms). */
function smtpTimeouts(env: Env, name: string): SmtpTimeoutSettings {
  const raw = optional(env, name);
  const settings: SmtpTimeoutSettings = {};
  if (raw === undefined) return settings;
  for (const part of raw.split(',')) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(part);
    const key = match ? SMTP_TIMEOUT_KEYS[match[1]!.toLowerCase()] : undefined;
    if (!match || !key) {
      throw new ConfigError(
        name,
        `must be a list like "connection=30s,greeting=5m,socket=5m" (names: ${Object.keys(SMTP_TIMEOUT_KEYS).join(', ')}; units ms, s, m), got "${part.trim()}"`,
      );
    }
    if (settings[key] !== undefined) throw new ConfigError(name, `names "${match[1]}" twice`);
    const ms = Math.round(Number(match[2]) * DURATION_UNITS[(match[3] ?? 'ms').toLowerCase()]!);
    if (ms < 100 || ms > MAX_SMTP_TIMEOUT_MS) throw new ConfigError(name, `"${part.trim()}" must be from 100ms to 60m`);
    settings[key] = ms;
  }
  return settings;
}

const RATE_PERIODS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "14/s", "500/h", "10000/d" (also /m); unset or empty is unlimited. */
function sendRate(env: Env, name: string): SendRate | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*\/\s*(s|m|h|d)$/i.exec(raw);
  const count = match ? Number(match[1]) : NaN;
  if (!match || !(count > 0) || count > 1_000_000) {
    throw new ConfigError(name, `must be mails per period like "14/s", "500/h" or "10000/d" (periods s, m, h, d; a number above 0 up to 1000000), got "${raw}"`);
  }
  return Object.freeze({ count, periodMs: RATE_PERIODS[match[2]!.toLowerCase()]!, text: raw });
}

const RETRY_LATER_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_RETRY_LATER_MS = 7 * 86_400_000;

/** "5m,30m,120m" (the default): the wait before each later try, after the previous one; "off": no later tries. */
function retryLater(env: Env, name: string): readonly number[] {
  const raw = optional(env, name);
  if (raw === undefined) return Object.freeze([5 * 60_000, 30 * 60_000, 120 * 60_000]);
  if (/^(off|none)$/i.test(raw)) return Object.freeze([]);
  const delays = raw.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/i.exec(part);
    const ms = match ? Math.round(Number(match[1]) * RETRY_LATER_UNITS[match[2]!.toLowerCase()]!) : NaN;
    if (!match || ms < 1 || ms > MAX_RETRY_LATER_MS) {
      throw new ConfigError(name, `must be waits like "5m,30m,120m" (units ms, s, m, h; each above 0 and at most 7 days), or "off", got "${part.trim()}"`);
    }
    return ms;
  });
  if (delays.length > 10) throw new ConfigError(name, `names ${delays.length} later tries; at most 10`);
  return Object.freeze(delays);
}

const DEV_SESSION_SECRET = 'dev-only-session-secret-change-me-in-production';
const DEV_SEED_PASSWORD = 'demo12345';

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${parsed.protocol}//"`);
  }
  return raw;
}

function timeZone(env: Env, name: string): string {
  const zone = optional(env, name) ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ConfigError(name, `is not a known IANA time zone (e.g. "Europe/Berlin"), got "${zone}"`);
  }
  return zone;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function host(env: Env, name: string): string {
  // brackets are URL syntax, not part of an IPv6 address
  const value = (optional(env, name) ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(value) === 0 && !HOSTNAME.test(value)) {
    throw new ConfigError(name, `must be an IP address or a host name (e.g. 127.0.0.1, or 0.0.0.0 for every interface), got "${value}"`);
  }
  return value;
}

function language(env: Env, name: string): Language {
  const value = (optional(env, name) ?? 'en').toLowerCase();
  if (!isLanguage(value)) {
    throw new ConfigError(name, `must be one of ${LANGUAGES.join(', ')}, got "${value}"`);
  }
  return value;
}

function logLevel(env: Env, name: string): LogLevel {
  const value = (optional(env, name) ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value as LogLevel;
}

function metricsToken(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && !/^[\x21-\x7e]{16,200}$/.test(value)) {
    throw new ConfigError(name, 'must be 16 to 200 printable characters without spaces (e.g. the output of "openssl rand -hex 32")');
  }
  return value;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function mailFrom(env: Env, name: string): string {
  const value = optional(env, name) ?? 'Mailing Service <no-reply@mailing.local>';
  const address = value.match(/<([^>]+)>\s*$/)?.[1] ?? value;
  if (!ADDRESS.test(address)) {
    throw new ConfigError(name, `must be an e-mail address or "Name <address>", got "${value}"`);
  }
  return value;
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY: all three or none; the key as PEM text or a file's path. */
function dkim(env: Env): DkimSettings | undefined {
  const names = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY'] as const;
  const values = names.map((name) => optional(env, name));
  if (values.every((value) => value === undefined)) return undefined;
  const missing = names.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing[0]!, `is not set: DKIM signing needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY together (or none of them)`);
  }
  const [domainName, keySelector, rawKey] = values as [string, string, string];
  if (!HOSTNAME.test(domainName) || !domainName.includes('.')) throw new ConfigError('DKIM_DOMAIN', `must be a domain name such as example.com, got "${domainName}"`);
  if (!keySelector.split('.').every((label) => DNS_LABEL.test(label))) {
    throw new ConfigError('DKIM_SELECTOR', `must be a DNS label such as "mail2026" (letters, digits, hyphens), got "${keySelector}"`);
  }
  let privateKey: string;
  if (rawKey.includes('-----BEGIN')) {
    // one line in a .env file: "\n" stands for the line breaks
    privateKey = rawKey.replace(/\\n/g, '\n');
  } else {
    try {
      privateKey = fs.readFileSync(path.resolve(rawKey), 'utf8');
    } catch (error) {
      throw new ConfigError('DKIM_PRIVATE_KEY', `must be a PEM private key or the path of a file holding one; "${rawKey}" cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  const problem = dkimKeyProblem(privateKey);
  if (problem) throw new ConfigError('DKIM_PRIVATE_KEY', problem);
  return Object.freeze({ domainName: domainName.toLowerCase(), keySelector, privateKey });
}

/** Parses and validates the given environment; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env): Config {
  const nodeEnv = optional(env, 'NODE_ENV') ?? 'development';
  const isProduction = nodeEnv === 'production';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const appUrl = (url(env, 'APP_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const smtpUrl = url(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  if (isProduction && smtpUrl === undefined) {
    throw new ConfigError('SMTP_URL', 'is required in production (the local mail catcher never runs there)');
  }
  const sessionSecret = optional(env, 'SESSION_SECRET') ?? (isProduction ? undefined : DEV_SESSION_SECRET);
  if (sessionSecret === undefined) {
    throw new ConfigError('SESSION_SECRET', 'is required in production');
  }
  if (sessionSecret.length < 16) {
    throw new ConfigError('SESSION_SECRET', 'must be at least 16 characters long');
  }
  const unsubscribeSecret =
    optional(env, 'UNSUBSCRIBE_SECRET') ?? crypto.createHmac('sha256', sessionSecret).update('unsubscribe-links').digest('base64url');
  if (unsubscribeSecret.length < 16) {
    throw new ConfigError('UNSUBSCRIBE_SECRET', 'must be at least 16 characters long');
  }
  const seedPassword = optional(env, 'SEED_PASSWORD') ?? (isProduction ? undefined : DEV_SEED_PASSWORD);
  if (seedPassword !== undefined && seedPassword.length < 8) {
    throw new ConfigError('SEED_PASSWORD', 'must be at least 8 characters long');
  }
  return Object.freeze({
    nodeEnv,
    isProduction,
    isTest: nodeEnv === 'test',
    host: host(env, 'HOST'),
    port,
    appUrl,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    embeddedPostgresPort: integer(env, 'EMBEDDED_POSTGRES_PORT', 54329, 1024, 65535),
    mongodbUrl: url(env, 'MONGODB_URL', ['mongodb:', 'mongodb+srv:']),
    smtpUrl,
    mailCatcherPort: integer(env, 'MAIL_CATCHER_PORT', 2525, 0, 65535),
    mailFrom: mailFrom(env, 'MAIL_FROM'),
    smtpTimeouts: Object.freeze(smtpTimeouts(env, 'SMTP_TIMEOUTS')),
    sessionSecret,
    unsubscribeSecret,
    dataDir: path.resolve(optional(env, 'DATA_DIR') ?? '.data'),
    dataDirIsDefault: optional(env, 'DATA_DIR') === undefined,
    seedPassword,
    appTimezone: timeZone(env, 'APP_TIMEZONE'),
    appLocale: language(env, 'APP_LOCALE'),
    logLevel: logLevel(env, 'LOG_LEVEL'),
    metricsToken: metricsToken(env, 'METRICS_TOKEN'),
    // at least 31 days: the dashboard's "last 30 days" figures are counted from the delivery rows
    deliveryRetentionDays: integer(env, 'DELIVERY_RETENTION_DAYS', 180, 31, 36_500),
    importMaxBytes: integer(env, 'IMPORT_MAX_MB', 20, 1, 1024) * 1024 * 1024,
    sendRate: sendRate(env, 'SEND_RATE'),
    retryLaterMs: retryLater(env, 'RETRY_LATER'),
    dkim: dkim(env),
  });
}

/** process.env with the values of a `.env` file in the working folder filling the gaps (the environment wins). */
export function readEnvironment(dotenvPath = path.resolve('.env')): Env {
  let fromFile: Env = {};
  if (fs.existsSync(dotenvPath)) fromFile = parseDotenv(fs.readFileSync(dotenvPath));
  return { ...fromFile, ...process.env };
}

let cached: Config | undefined;

/** The service's configuration, read once from the environment (and `.env`). */
export function getConfig(): Config {
  cached ??= loadConfig(readEnvironment());
  return cached;
}
