// `npm run bench:cli`: the command line measured as an operator runs it — whole `node dist/cli.js send` processes
// sending 1,000 recipients to the local SMTP sink (bench/smtp-sink.ts, its own process) — against a baseline
// measured in the same run: a raw single-process nodemailer script sending the same 1,000 mails, byte for byte the
// engine's mail but for the ids and the date (bench/raw-send.mjs). Per process: wall time, sending time (the sink's first connection to its last mail), CPU
// (user + sys) and peak RSS (from /usr/bin/time), start to first SMTP connection; and a `send` with nothing due.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/database.js';
import { DEFAULT_SMTP_POOL } from '../src/mail/smtp-transport.js';
import { projectRoot } from '../src/paths.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { mailingTo } from '../test/helpers/mailing-fixtures.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';
import { median, serviceEnv, startSink } from './bench-processes.js';

const RECIPIENTS = 1_000;
const ROUNDS = Number(process.argv.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? 5);
const TIME = '/usr/bin/time';
const GOALS = { sendingS: 0.9, cpuS: 1.5, rssMb: 110, firstConnectionS: 0.5 };

interface ProcessFigures {
  wallS: number;
  cpuS: number;
  rssMb: number;
  output: string;
  code: number | null;
  startedAt: number;
}

/** Runs `node <args>` under /usr/bin/time: wall time, user + sys CPU and peak RSS of that process. */
async function timedNode(args: string[], env: NodeJS.ProcessEnv): Promise<ProcessFigures> {
  const stats = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-')), 'time.txt');
  const startedAt = Date.now();
  const child = spawn(TIME, ['-o', stats, '-f', '%e %U %S %M', process.execPath, ...args], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const [wall, user, sys, maxRssKb] = fs.readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  fs.rmSync(path.dirname(stats), { recursive: true, force: true });
  return { wallS: wall!, cpuS: user! + sys!, rssMb: maxRssKb! / 1024, output, code, startedAt };
}

interface SendFigures {
  wallS: number;
  sendingS: number;
  cpuS: number;
  rssMb: number;
  firstConnectionS: number;
}

async function measured(run: (smtpUrl: string) => Promise<ProcessFigures>, what: string): Promise<SendFigures> {
  const sink = await startSink();
  const figures = await run(sink.url);
  const seen = await sink.stop();
  if (figures.code !== 0 || seen.received !== RECIPIENTS) throw new Error(`${what}: exit ${figures.code}, ${seen.received} mails at the sink\n${figures.output}`);
  return {
    wallS: figures.wallS,
    sendingS: (seen.lastMailAt - seen.firstConnectionAt) / 1000,
    cpuS: figures.cpuS,
    rssMb: figures.rssMb,
    firstConnectionS: (seen.firstConnectionAt - figures.startedAt) / 1000,
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(projectRoot, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const url = await createScratchDatabase('bench_cli');
  const db = await openDatabase({ databaseUrl: url, embeddedPostgresPort: 0, dataDir: os.tmpdir() });
  const env = (smtpUrl: string): NodeJS.ProcessEnv => serviceEnv(url, smtpUrl);
  /** A mailing of RECIPIENTS new clients; when `due`, its run is due now (what plain `send` makes), else it has none. */
  async function mailing(due: boolean): Promise<number> {
    const made = await mailingTo(db, RECIPIENTS, { startAt: new Date(Date.now() - 3_600_000), subject: 'Benchmark mailing' });
    await made.mailing.update(due ? { status: 'running', nextRunAt: made.mailing.startAt } : { status: 'completed', nextRunAt: null });
    return made.mailing.id;
  }
  const cli = (smtpUrl: string) => timedNode([path.join('dist', 'cli.js'), 'send'], env(smtpUrl));
  const raw = (mailingId: number) => (smtpUrl: string) =>
    timedNode([path.join('bench', 'raw-send.mjs'), url, smtpUrl, String(mailingId), String(DEFAULT_SMTP_POOL.maxConnections)], env(smtpUrl));
  try {
    console.log(`CLI benchmark: ${RECIPIENTS.toLocaleString('en')} recipients, ${ROUNDS} rounds, node ${process.version}, ${os.cpus().length} cores; ` +
      `baseline: raw pooled nodemailer (${DEFAULT_SMTP_POOL.maxConnections} connections, no records), one process`);
    // warm-up (file cache, the database's buffers): one of each, not counted
    await measured(raw(await mailing(false)), 'warm-up baseline');
    await mailing(true);
    await measured(cli, 'warm-up cli');
    const rounds: Array<{ cli: SendFigures; raw: SendFigures }> = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const rawRun = await measured(raw(await mailing(false)), 'baseline');
      await mailing(true);
      rounds.push({ raw: rawRun, cli: await measured(cli, 'cli send') });
    }
    // nothing due: every mailing's run is made
    const idle: ProcessFigures[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const sink = await startSink();
      const run = await cli(sink.url);
      await sink.stop();
      if (run.code !== 0 || !run.output.includes('0 mailing(s) due now')) throw new Error(`nothing due: exit ${run.code}\n${run.output}`);
      idle.push(run);
    }

    const row = (name: string, f: SendFigures): string =>
      `${name.padEnd(28)} ${f.wallS.toFixed(2).padStart(6)} s  ${f.sendingS.toFixed(2).padStart(6)} s  ${f.cpuS.toFixed(2).padStart(6)} s  ${f.rssMb.toFixed(0).padStart(5)} MB  ${f.firstConnectionS.toFixed(2).padStart(6)} s`;
    console.log(`${'run'.padEnd(28)} ${'wall'.padStart(8)}  ${'sending'.padStart(8)}  ${'CPU'.padStart(8)}  ${'RSS'.padStart(8)}  ${'1st conn'.padStart(8)}`);
    rounds.forEach((r, i) => {
      console.log(row(`round ${i + 1}: baseline`, r.raw));
      console.log(row(`round ${i + 1}: cli.js send`, r.cli));
    });
    const med = (pick: (r: { cli: SendFigures; raw: SendFigures }) => number) => median(rounds.map(pick));
    const cliMedian: SendFigures = {
      wallS: med((r) => r.cli.wallS), sendingS: med((r) => r.cli.sendingS), cpuS: med((r) => r.cli.cpuS), rssMb: med((r) => r.cli.rssMb), firstConnectionS: med((r) => r.cli.firstConnectionS),
    };
    const rawMedian: SendFigures = {
      wallS: med((r) => r.raw.wallS), sendingS: med((r) => r.raw.sendingS), cpuS: med((r) => r.raw.cpuS), rssMb: med((r) => r.raw.rssMb), firstConnectionS: med((r) => r.raw.firstConnectionS),
    };
    console.log('medians:');
    console.log(row('baseline (raw nodemailer)', rawMedian));
    console.log(row('cli.js send', cliMedian));
    console.log(`ratio cli / baseline (lower is better): wall ${(cliMedian.wallS / rawMedian.wallS).toFixed(2)}, sending ${(cliMedian.sendingS / rawMedian.sendingS).toFixed(2)}, ` +
      `CPU ${(cliMedian.cpuS / rawMedian.cpuS).toFixed(2)}, RSS ${(cliMedian.rssMb / rawMedian.rssMb).toFixed(2)}, first connection ${(cliMedian.firstConnectionS / rawMedian.firstConnectionS).toFixed(2)}`);
    console.log(`nothing due (median of ${ROUNDS}): wall ${median(idle.map((r) => r.wallS)).toFixed(2)} s, CPU ${median(idle.map((r) => r.cpuS)).toFixed(2)} s, RSS ${median(idle.map((r) => r.rssMb)).toFixed(0)} MB`);
    const goal = (name: string, value: number, limit: number, unit: string): string => `${name} ${value.toFixed(unit === 'MB' ? 0 : 2)} ${unit} (goal ≤ ${limit} ${unit}: ${value <= limit ? 'met' : 'NOT met'})`;
    console.log(`goals: ${[
      goal('sending', cliMedian.sendingS, GOALS.sendingS, 's'),
      goal('CPU', cliMedian.cpuS, GOALS.cpuS, 's'),
      goal('RSS', cliMedian.rssMb, GOALS.rssMb, 'MB'),
      goal('start to first connection', cliMedian.firstConnectionS, GOALS.firstConnectionS, 's'),
    ].join('; ')}`);
  } finally {
    await db.close();
    await stopSharedServices();
  }
}

await main();
