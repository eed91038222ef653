// The benchmarks' other processes, shared by bench/send.ts, bench/cli.ts, bench/workers.ts and bench/million.ts: the SMTP
// sink (bench/smtp-sink.ts) in its own process, one measured send in a fresh process (bench/send-one.ts), and the
// environment a `node dist/cli.js …` process of the service runs with.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../src/paths.js';

export interface SinkReport {
  received: number;
  /** ms since the epoch: the first connection, the end of the last mail (0 when none came). */
  firstConnectionAt: number;
  lastMailAt: number;
  /** With `--track-recipients`: distinct recipients, and how many of them got more than one mail. */
  recipients?: { distinct: number; duplicated: number };
  /** With `--arrival-times`: when each mail's message ended at the sink (ms since the epoch), in arrival order. */
  arrivals?: number[];
}

export interface Sink {
  url: string;
  /** Stops it (if still running), and says what it received. */
  stop(): Promise<SinkReport>;
}

function arrivalsIn(output: string): { arrivals?: number[] } {
  const line = /^arrivals (.*)$/m.exec(output);
  return line ? { arrivals: line[1] === '' ? [] : line[1]!.split(',').map(Number) } : {};
}

/** Starts bench/smtp-sink.ts (its knobs in `args`) and resolves once it listens. */
export async function startSink(args: string[] = []): Promise<Sink> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bench/smtp-sink.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /port (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', () => reject(new Error('the SMTP sink exited')));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      const match = /received (\d+) first-connection (\d+) last-mail (\d+)(?: recipients (\d+) duplicated (\d+))?/.exec(output);
      if (!match) throw new Error(`the sink did not report: ${output}`);
      return {
        received: Number(match[1]),
        firstConnectionAt: Number(match[2]),
        lastMailAt: Number(match[3]),
        ...(match[4] === undefined ? {} : { recipients: { distinct: Number(match[4]), duplicated: Number(match[5]) } }),
        ...arrivalsIn(output),
      };
    },
  };
}

export interface FreshSend {
  /** Wall time of the send, its CPU time (user + system), the process's peak RSS. */
  seconds: number;
  cpuMs: number;
  maxRssMb: number;
}

/** One send of `n` mails in a fresh process (bench/send-one.ts): raw pooled nodemailer, or the engine over the database. */
export function sendInFreshProcess(mode: 'engine' | 'raw', n: number, sinkUrl: string, databaseUrl: string): Promise<FreshSend> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bench/send-one.ts'), mode, String(n), sinkUrl, databaseUrl], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as FreshSend) : reject(new Error(`send-one ${mode} exited ${code}`))));
  });
}

/** The environment of a `node dist/cli.js …` process of the service on the benchmark's database and sink. */
export function serviceEnv(databaseUrl: string, smtpUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtpUrl,
    SESSION_SECRET: 'bench-session-secret-0123456789',
    APP_URL: 'http://127.0.0.1:3000',
    MAIL_FROM: 'Bench <bench@mailing.test>',
    APP_TIMEZONE: 'UTC',
  };
}

export const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
