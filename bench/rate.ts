// `npm run bench:rate`: how close the shared send-rate limit (SEND_RATE, src/sending/rate-limit.ts) gets to its
// rate when 1, 2 or 4 processes send at once, at 50/s and 500/s. Each process is a real child (bench/rate-sender.ts)
// sending real mails to an SMTP sink in its own process (bench/smtp-sink.ts --arrival-times), which records when each
// message ended. Prints the observed rate, the ratio observed / SEND_RATE (goal 0.95-1.0; above 1.0 would break the
// limit), observed / what the machine allows (SEND_RATE, or the unlimited baseline when that is lower) and the most
// arrivals in any window of 1 s, median of the repetitions; and, as the baseline of the same run, what 1 and 2
// processes send with no limit.
// BENCH_RATE_REPS (default 3) sets the repetitions.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../src/paths.js';
import { openDatabase } from '../src/db/database.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';
import { mostInAnyWindow } from '../test/helpers/run-checks.js';
import { startSink } from './bench-processes.js';

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

/** One round: `processes` senders share `rate` for `seconds`, each round with a fresh sink; the arrivals' rate and densest second. */
async function round(dbUrl: string, rate: string, processes: number, seconds: number, label: string): Promise<{ perSecond: number; densest: number }> {
  const sink = await startSink(['--arrival-times']);
  const name = `bench-${label}-${Date.now()}`;
  let report: Awaited<ReturnType<typeof sink.stop>>;
  try {
    const senders = Array.from({ length: processes }, () => sender([dbUrl, sink.url, rate, name]));
    await Promise.all(senders.map((s) => s.ready));
    const startAt = Date.now() + START_DELAY_MS;
    for (const s of senders) s.start(startAt, startAt + seconds * 1000);
    await Promise.all(senders.map((s) => s.exited));
  } finally {
    report = await sink.stop();
  }
  const times = report.arrivals!.slice().sort((a, b) => a - b);
  const span = (times[times.length - 1]! - times[0]!) / 1000;
  return { perSecond: (times.length - 1) / span, densest: mostInAnyWindow(times, 1000) };
}

async function main(): Promise<void> {
  const dbUrl = await createScratchDatabase('bench_rate');
  const db = await openDatabase({ databaseUrl: dbUrl, embeddedPostgresPort: 0, dataDir: '/tmp' });
  await db.close();
  try {
    const unlimited = new Map<number, number>();
    for (const processes of [1, 2]) {
      const runs: number[] = [];
      for (let i = 0; i < REPS; i += 1) runs.push((await round(dbUrl, 'none', processes, 3, `unlimited-${processes}`)).perSecond);
      unlimited.set(processes, median(runs));
      console.log(`baseline: ${processes} process(es), no limit: ${median(runs).toFixed(0)} mails/s (median of ${REPS})`);
    }
    console.log('SEND_RATE  processes  observed/s  ratio  of what the machine allows  most in any 1 s');
    for (const [rate, count, seconds] of [['50/s', 50, 8], ['500/s', 500, 4]] as const) {
      for (const processes of [1, 2, 4]) {
        const runs = [];
        for (let i = 0; i < REPS; i += 1) runs.push(await round(dbUrl, rate, processes, seconds, `${count}-${processes}`));
        const observed = median(runs.map((r) => r.perSecond));
        const densest = median(runs.map((r) => r.densest));
        // what these processes could send with no limit (4 processes: taken as 2's, the machine has 2 cores)
        const allowed = Math.min(count, unlimited.get(Math.min(processes, 2))!);
        console.log(
          `${rate.padEnd(9)}  ${String(processes).padStart(9)}  ${observed.toFixed(1).padStart(10)}  ${(observed / count).toFixed(3)}  ${(observed / allowed).toFixed(3).padStart(26)}  ${String(densest).padStart(15)}`,
        );
      }
    }
  } finally {
    await stopSharedServices();
  }
}

await main();
