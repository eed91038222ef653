// `npm run bench:workers` (issue 14, "Unlimited: 2 worker processes vs 1"): real `node dist/cli.js worker` processes,
// no SEND_RATE, send a few mailings of 20,000 recipients in all to the SMTP sink (bench/smtp-sink.ts, its own
// process); the time from the moment the runs are due to the last delivery recorded, with 1 worker and with 2, rounds
// interleaved, medians, and the ratio 1-worker time / 2-worker time. Every round checks that every recipient got
// exactly one mail (the sink counts the mails per recipient).
// `-- --recipients N` (20,000), `--mailings M` (8), `--rounds R` (3), `--logs DIR` (keep the workers' output).
//
// Why 8 mailings: a run is made by one process (its lease), and a worker takes at most 4 runs at once (Agenda's lock
// limit, src/scheduling/scheduler.ts), so one mailing, or 4, would all go to whichever worker locks first and the
// second worker would idle; 8 is the fewest that gives each of two workers 4 runs. One worker makes 4, then the other
// 4 when its runs end and its next scan (every 5 s) locks them: that wait is part of what one worker costs and is
// printed (the runs' start times).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { QueryTypes } from 'sequelize';
import { openDatabase, type Database } from '../src/db/database.js';
import { silentLogger } from '../src/log.js';
import { projectRoot } from '../src/paths.js';
import { createScheduler } from '../src/scheduling/scheduler.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';
import { median, serviceEnv, startSink } from './bench-processes.js';
import { BODY, SUBJECT } from './raw-send.js';
import { prepareMailing } from './send-fixtures.js';

const option = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const RECIPIENTS = option('--recipients', 20_000);
const MAILINGS = option('--mailings', 8);
const ROUNDS = option('--rounds', 3);
/** `--logs DIR` keeps each worker's output there. */
const LOGS = process.argv.includes('--logs') ? process.argv[process.argv.indexOf('--logs') + 1] : undefined;
/** How long after the jobs are written the runs are due: more than a scan (5 s), so every worker has locked its share. */
const LEAD_MS = 6_000;

interface Worker {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startWorker(env: NodeJS.ProcessEnv): Worker {
  const child = spawn(process.execPath, [path.join('dist', 'cli.js'), 'worker'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { process: child, output: () => text, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** CPU seconds (user + system) a process has used; with `children`, also its children that have exited (Linux /proc). */
function cpuSeconds(pid: number, children = false): number {
  // the fields after the command's name: state is the first; utime, stime, cutime, cstime the 12th to the 15th
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ').map(Number);
  const ticks = fields[11]! + fields[12]! + (children ? fields[13]! + fields[14]! : 0);
  return ticks / 100; // USER_HZ, 100 on Linux
}

/** CPU seconds of the benchmark's PostgreSQL server: its postmaster, the backends gone and those alive. */
async function postgresCpuSeconds(db: Database): Promise<number> {
  const [{ pid }] = await db.sequelize.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', { type: QueryTypes.SELECT }) as [{ pid: number }];
  const postmaster = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ')[1]);
  let total = cpuSeconds(postmaster, true);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ').pop()!.split(' ')[1]) === postmaster) total += cpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Transactions committed or rolled back in the benchmark's database so far. */
async function transactions(db: Database): Promise<number> {
  await db.sequelize.query('SELECT pg_stat_clear_snapshot()');
  const [row] = await db.sequelize.query<{ n: string }>(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
    { type: QueryTypes.SELECT },
  );
  return Number(row!.n);
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

interface Round {
  workers: number;
  /** Due → the last run finished (every delivery recorded), and due → the sink's last mail. */
  seconds: number;
  lastMailSeconds: number;
  runsPerWorker: number[];
  /** When each run started, seconds after due, sorted. */
  starts: number[];
  received: number;
  distinct: number;
  duplicated: number;
  load: number;
  /** CPU seconds from due to the end: the workers (all), PostgreSQL; the database's transactions per mail. */
  workersCpu: number;
  postgresCpu: number;
  transactionsPerMail: number;
}

async function round(db: Database, workerCount: number, recipients: number): Promise<Round> {
  const perMailing = Math.ceil(recipients / MAILINGS);
  // the mailings start tomorrow: the workers' start (reconcile) plans them, the round makes them due below
  const tomorrow = new Date(Date.now() + 86_400_000);
  const ids: number[] = [];
  for (let i = 0; i < MAILINGS; i += 1) ids.push(await prepareMailing(db, Math.min(perMailing, recipients - i * perMailing), SUBJECT, BODY, tomorrow));
  const sink = await startSink(['--track-recipients']);
  const workers = Array.from({ length: workerCount }, () => startWorker(serviceEnv(db.url, sink.url)));
  const jobs = createScheduler({ store: { kind: 'postgres', url: db.url }, log: silentLogger });
  try {
    await until('the workers to start', () => workers.every((w) => w.output().includes('worker started')), 60_000);
    // due in LEAD_MS, as the back office does when a mailing is saved: the mailing's start, and its job (which
    // notifies the workers)
    const dueAt = new Date(Date.now() + LEAD_MS);
    const cpuBefore = workers.reduce((sum, w) => sum + cpuSeconds(w.process.pid!), 0);
    const postgresBefore = await postgresCpuSeconds(db);
    const transactionsBefore = await transactions(db);
    await db.sequelize.query(`UPDATE mailings SET start_at = $1, next_run_at = $1, status = 'created' WHERE id = ANY($2::int[])`, { bind: [dueAt, ids] });
    for (const id of ids) await jobs.jobs.schedule(id, dueAt);
    const finished = async (): Promise<boolean> => {
      const [row] = await db.sequelize.query<{ done: number }>(
        `SELECT count(*)::int AS done FROM attempts WHERE mailing_id = ANY($1::int[]) AND status NOT IN ('running', 'paused', 'retrying')`,
        { bind: [ids], type: QueryTypes.SELECT },
      );
      return row!.done === ids.length;
    };
    await until('every run to finish', finished, 15 * 60_000, 200);
    const attempts = await db.sequelize.query<{ status: string; started: number; ended: number }>(
      `SELECT status, extract(epoch FROM created_at - $2::timestamptz)::float AS started, extract(epoch FROM finished_at - $2::timestamptz)::float AS ended
       FROM attempts WHERE mailing_id = ANY($1::int[])`,
      { bind: [ids, dueAt], type: QueryTypes.SELECT },
    );
    const failed = attempts.filter((a) => a.status !== 'success');
    if (failed.length > 0) throw new Error(`runs that did not succeed: ${JSON.stringify(failed)}`);
    const workersCpu = workers.reduce((sum, w) => sum + cpuSeconds(w.process.pid!), 0) - cpuBefore;
    const postgresCpu = (await postgresCpuSeconds(db)) - postgresBefore;
    for (const w of workers) w.process.kill('SIGTERM');
    const codes = await Promise.all(workers.map((w) => w.exited));
    if (codes.some((code) => code !== 0)) throw new Error(`a worker exited ${codes.join(', ')}:\n${workers.map((w) => w.output()).join('\n---\n')}`);
    const seen = await sink.stop();
    if (LOGS) workers.forEach((w, i) => fs.writeFileSync(path.join(LOGS, `round-${dueAt.toISOString()}-${workerCount}-workers-${i + 1}.log`), w.output()));
    return {
      workers: workerCount,
      seconds: Math.max(...attempts.map((a) => a.ended)),
      lastMailSeconds: (seen.lastMailAt - dueAt.getTime()) / 1000,
      runsPerWorker: workers.map((w) => (w.output().match(/"event":"run\.end"/g) ?? []).length),
      starts: attempts.map((a) => a.started).sort((a, b) => a - b),
      received: seen.received,
      distinct: seen.recipients!.distinct,
      duplicated: seen.recipients!.duplicated,
      load: os.loadavg()[0]!,
      workersCpu,
      postgresCpu,
      // read after the workers exited (a backend reports its counts when it ends)
      transactionsPerMail: ((await transactions(db)) - transactionsBefore) / recipients,
    };
  } finally {
    for (const w of workers) if (w.process.exitCode === null && w.process.signalCode === null) w.process.kill('SIGKILL');
    await jobs.stop();
    await sink.stop().catch(() => undefined);
  }
}

/** "+0.0 s ×4, +11.8 s ×4": the runs' starts, grouped when within a second of each other. */
function startsText(starts: number[]): string {
  const groups: Array<{ at: number; n: number }> = [];
  for (const s of starts) {
    const last = groups.at(-1);
    if (last && s - last.at < 1) last.n += 1;
    else groups.push({ at: s, n: 1 });
  }
  return groups.map((g) => `${g.at >= 0 ? '+' : ''}${g.at.toFixed(1)} s ×${g.n}`).join(', ');
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(projectRoot, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const url = await createScratchDatabase('bench_workers');
  const db = await openDatabase({ databaseUrl: url, embeddedPostgresPort: 0, dataDir: os.tmpdir() });
  try {
    console.log(
      `workers benchmark: ${RECIPIENTS.toLocaleString('en')} recipients in ${MAILINGS} mailings, no SEND_RATE, \`node dist/cli.js worker\` processes ` +
        `(5 SMTP connections and up to 4 runs each), SMTP sink in its own process; ${ROUNDS} rounds of 1 and 2 workers interleaved; ` +
        `node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    );
    // warm-up (worker start, the database's buffers, the JIT of the sink): one small round, not counted
    await round(db, 2, Math.ceil(RECIPIENTS / 10));
    const rounds: Array<{ one: Round; two: Round }> = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      // alternate which goes first, so a drift of the machine's load does not favour one side
      const order = i % 2 === 0 ? [1, 2] : [2, 1];
      const got: Record<number, Round> = {};
      for (const n of order) got[n] = await round(db, n, RECIPIENTS);
      rounds.push({ one: got[1]!, two: got[2]! });
    }
    console.log('round  workers  due → all recorded  due → last mail  msgs/s  runs per worker  runs started (after due)      sink: mails / distinct / duplicated  CPU s: workers, PostgreSQL  db transactions per mail  load');
    rounds.forEach((r, i) => {
      for (const x of [r.one, r.two]) {
        console.log(
          `${String(i + 1).padStart(5)}  ${String(x.workers).padStart(7)}  ${x.seconds.toFixed(2).padStart(16)} s  ${x.lastMailSeconds.toFixed(2).padStart(13)} s  ` +
            `${(RECIPIENTS / x.seconds).toFixed(0).padStart(6)}  ${x.runsPerWorker.join(' + ').padEnd(15)}  ${startsText(x.starts).padEnd(28)}  ` +
            `${x.received} / ${x.distinct} / ${x.duplicated}`.padEnd(36) +
            `  ${x.workersCpu.toFixed(1).padStart(9)}, ${x.postgresCpu.toFixed(1).padStart(10)}  ${x.transactionsPerMail.toFixed(3).padStart(24)}  ${x.load.toFixed(2)}`,
        );
      }
    });
    const one = median(rounds.map((r) => r.one.seconds));
    const two = median(rounds.map((r) => r.two.seconds));
    const all = rounds.flatMap((r) => [r.one, r.two]);
    const everyOnce = all.every((x) => x.received === RECIPIENTS && x.distinct === RECIPIENTS && x.duplicated === 0);
    console.log(`median: 1 worker ${one.toFixed(2)} s (${(RECIPIENTS / one).toFixed(0)} msgs/s), 2 workers ${two.toFixed(2)} s (${(RECIPIENTS / two).toFixed(0)} msgs/s)`);
    const cpu = (pick: (x: Round) => number, n: 1 | 2) => median(rounds.map((r) => pick(n === 1 ? r.one : r.two)));
    console.log(
      `median CPU per 1,000 mails: workers ${(cpu((x) => x.workersCpu, 1) / (RECIPIENTS / 1000)).toFixed(2)} s (1 worker) vs ${(cpu((x) => x.workersCpu, 2) / (RECIPIENTS / 1000)).toFixed(2)} s (2 workers); ` +
        `PostgreSQL ${(cpu((x) => x.postgresCpu, 1) / (RECIPIENTS / 1000)).toFixed(2)} s vs ${(cpu((x) => x.postgresCpu, 2) / (RECIPIENTS / 1000)).toFixed(2)} s; ` +
        `database transactions per mail ${cpu((x) => x.transactionsPerMail, 1).toFixed(3)} vs ${cpu((x) => x.transactionsPerMail, 2).toFixed(3)}`,
    );
    console.log(`ratio 1-worker time / 2-worker time: ${(one / two).toFixed(2)} (median of the times; per round: ${rounds.map((r) => (r.one.seconds / r.two.seconds).toFixed(2)).join(', ')})`);
    console.log(`every recipient exactly one mail in every round: ${everyOnce ? `yes (the sink got ${RECIPIENTS.toLocaleString('en')} mails for ${RECIPIENTS.toLocaleString('en')} distinct recipients, none twice)` : 'NO (see the sink column)'}`);
    console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    if (!everyOnce) process.exitCode = 1;
  } finally {
    await db.close();
    await stopSharedServices();
  }
}

await main();
