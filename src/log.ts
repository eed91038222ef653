// The service's logger: pino underneath, one JSON object per line (time, level, component, message, fields), or
// a short human line when the lines go to a terminal. Callers see only this small interface.
import { Writable } from 'node:stream';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import type { LogLevel } from './config.js';

/** Facts of an event, written as fields of its JSON line (ids, counts, durations), not baked into the message. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(name: string): Logger;
}

export interface LoggerOptions {
  /** The least severe level written; `silent` writes nothing. Default info. */
  level?: LogLevel;
  /** Where the lines go: stdout by default (`cli.js send` writes its logs to stderr, its report to stdout). */
  stream?: NodeJS.WriteStream;
  /** `pretty` for people, `json` for machines; default: pretty when the stream is a terminal. */
  format?: 'json' | 'pretty';
  /** Kept for the tests' silent logger: same as level `silent`. */
  silent?: boolean;
}

const OWN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'component', 'msg']);

/** One pino line as a person reads it: "2026-11-23T12:00:00.000Z INFO [cli:sending] message key=value". */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const fields = Object.entries(entry)
    .filter(([key]) => !OWN_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  return `${String(entry.time)} ${String(entry.level).toUpperCase()} [${String(entry.component)}] ${String(entry.msg ?? '')}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
}

function destination(stream: NodeJS.WriteStream, format: 'json' | 'pretty'): NodeJS.WritableStream | DestinationStream {
  if (format === 'pretty') {
    return new Writable({
      write(chunk: Buffer, _encoding, callback) {
        stream.write(prettyLine(chunk.toString('utf8').trimEnd()));
        callback();
      },
    });
  }
  // synchronous: a CLI that exits right after its last line must not lose it
  const fd = (stream as { fd?: unknown }).fd;
  return typeof fd === 'number' ? pino.destination({ fd, sync: true }) : stream;
}

function wrap(root: Pino, name: string): Logger {
  const log = root.child({ component: name });
  const at =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      if (fields) log[level](fields, message);
      else log[level](message);
    };
  return { info: at('info'), warn: at('warn'), error: at('error'), child: (child) => wrap(root, `${name}:${child}`) };
}

export function createLogger(name = 'mailing', options: LoggerOptions = {}): Logger {
  const level = options.silent ? 'silent' : (options.level ?? 'info');
  const stream = options.stream ?? process.stdout;
  const format = options.format ?? (stream.isTTY ? 'pretty' : 'json');
  const root = pino(
    { level, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    level === 'silent' ? undefined : destination(stream, format),
  );
  return wrap(root, name);
}

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = createLogger('silent', { silent: true });
