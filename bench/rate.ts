// `npm run bench:rate`: how close the shared send-rate limit (SEND_RATE, src/sending/rate-limit.ts) gets to its
// rate when 1, 2 or 4 processes send at once, at 50/s and 500/s. Each process is a real child (bench/rate-sender.ts)
// sending real mails to the SMTP test server, which records their arrival times. Prints the observed rate, the
// ratio observed / SEND_RATE (goal 0.95-1.0; above 1.0 would break the limit) and the most arrivals in any window
// of 1 s, median of the repetitions; and, as the baseline of the same run, what one process sends with no limit.
// BENCH_RATE_REPS (default 3) sets the repetitions.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../src/paths.js';
import { openDatabase } from '../src/db/database.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';
import { mostInAnyWindow } from '../test/helpers/run-checks.js';
import { SmtpTestServer } from '../test/helpers/smtp-test-server.js';

const REPS = Number(process.env.BENCH_RATE_REPS ?? 3);
const START_DELAY_MS = 500;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Sender {
  ready: Promise<void>;
  start(startAt: number, endAt: number): void;
  exited: Promise<void>;
}

function sender(args: string[]): Sender {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bench/rate-sender.ts'), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
  const exited = new Promise<void>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a sender exited with ${code}`)))));
  return { ready, exited, start: (startAt, endAt) => child.stdin!.end(`${startAt} ${endAt}\n`) };
}

/** One round: `processes` senders share `rate` for `seconds`; the arrivals' rate and densest second. */
async function round(dbUrl: string, smtp: SmtpTestServer, rate: string, processes: number, seconds: number, label: string): Promise<{ perSecond: number; densest: number }> {
  smtp.reset();
  const name = `bench-${label}-${Date.now()}`;
  const senders = Array.from({ length: processes }, () => sender([dbUrl, smtp.url, rate, name]));
  await Promise.all(senders.map((s) => s.ready));
  const startAt = Date.now() + START_DELAY_MS;
  for (const s of senders) s.start(startAt, startAt + seconds * 1000);
  await Promise.all(senders.map((s) => s.exited));
  const times = smtp.messages.map((m) => m.receivedAt).sort((a, b) => a - b);
  const span = (times[times.length - 1]! - times[0]!) / 1000;
  return { perSecond: (times.length - 1) / span, densest: mostInAnyWindow(times, 1000) };
}

async function main(): Promise<void> {
  const dbUrl = await createScratchDatabase('bench_rate');
  const db = await openDatabase({ databaseUrl: dbUrl, embeddedPostgresPort: 0, dataDir: '/tmp' });
  await db.close();
  const smtp = await SmtpTestServer.start();
  try {
    const unlimited: number[] = [];
    for (let i = 0; i < REPS; i += 1) unlimited.push((await round(dbUrl, smtp, 'none', 1, 3, 'unlimited')).perSecond);
    console.log(`baseline: 1 process, no limit: ${median(unlimited).toFixed(0)} mails/s (median of ${REPS})`);
    console.log('SEND_RATE  processes  observed/s  ratio  most in any 1 s');
    for (const [rate, count, seconds] of [['50/s', 50, 8], ['500/s', 500, 4]] as const) {
      for (const processes of [1, 2, 4]) {
        const runs = [];
        for (let i = 0; i < REPS; i += 1) runs.push(await round(dbUrl, smtp, rate, processes, seconds, `${count}-${processes}`));
        const observed = median(runs.map((r) => r.perSecond));
        const densest = median(runs.map((r) => r.densest));
        console.log(`${rate.padEnd(9)}  ${String(processes).padStart(9)}  ${observed.toFixed(1).padStart(10)}  ${(observed / count).toFixed(3)}  ${String(densest).padStart(15)}`);
      }
    }
  } finally {
    await smtp.stop();
    await stopSharedServices();
  }
}

await main();
