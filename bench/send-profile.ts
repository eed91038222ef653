// One half of bench/send.ts alone, to profile it: the engine (runMailing) or the raw baseline sending n mails to the
// SMTP sink, after a warm-up. Prints the rate, this process's CPU per mail, and the CPU the sink and the embedded
// PostgreSQL (this process's other children) used meanwhile: the engine's database work is done in PostgreSQL's
// processes, on the same cores.
// Usage: node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/send-profile.ts <engine|raw> [mails, 10000]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/db/database.js';
import { silentLogger } from '../src/log.js';
import { createSmtpTransport, DEFAULT_SMTP_POOL } from '../src/mail/smtp-transport.js';
import { projectRoot } from '../src/paths.js';
import { runMailing } from '../src/sending/run-mailing.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';
import { BODY, FROM, IDENTITY, sendRaw, SUBJECT } from './raw-send.js';
import { prepareMailing } from './send-fixtures.js';

const mode = process.argv[2] === 'raw' ? 'raw' : 'engine';
const n = Number(process.argv[3] ?? 10_000);
const POOL = { maxConnections: DEFAULT_SMTP_POOL.maxConnections, maxMessages: DEFAULT_SMTP_POOL.maxMessages };

const sink = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bench/smtp-sink.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => {
  sink.stdout!.on('data', (chunk: Buffer) => {
    const match = /port (\d+)/.exec(chunk.toString());
    if (match) resolve(Number(match[1]));
  });
});
const url = `smtp://127.0.0.1:${port}`;

/** CPU time (ms) so far of the sink's processes and of this process's other descendants (the embedded PostgreSQL's). */
function childrenCpu(): { sink: number; postgres: number } {
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  const under = (pid: number, root: number): boolean => {
    for (let p = pid; p > 1; p = procs.get(p)?.ppid ?? 0) if (p === root) return true;
    return false;
  };
  let sinkTicks = 0;
  let postgresTicks = 0;
  for (const [pid, proc] of procs) {
    if (pid === process.pid) continue;
    if (under(pid, sink.pid!)) sinkTicks += proc.ticks;
    else if (under(pid, process.pid)) postgresTicks += proc.ticks;
  }
  // ticks of 10 ms (USER_HZ 100)
  return { sink: sinkTicks * 10, postgres: postgresTicks * 10 };
}

const db = await openDatabase({ databaseUrl: await createScratchDatabase('send_profile'), embeddedPostgresPort: 0, dataDir: '/tmp' });
const mailingId = await prepareMailing(db, n, SUBJECT, BODY);
await sendRaw(url, 500, POOL);
const children = childrenCpu();
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
if (mode === 'raw') await sendRaw(url, n, POOL);
else {
  const transport = createSmtpTransport({ url, from: FROM, pool: POOL, logger: () => undefined });
  const outcome = await runMailing({ sequelize: db.sequelize, transport, log: silentLogger, concurrency: POOL.maxConnections, identity: IDENTITY }, mailingId, { scheduledFor: new Date(), trigger: 'cli' });
  await transport.close();
  if (outcome.kind !== 'done' || outcome.sent !== n) throw new Error(`the engine did not send everything: ${JSON.stringify(outcome)}`);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
const after = childrenCpu();
const cpuMs = (used.user + used.system) / 1000;
console.log(
  `${mode}: ${n} mails in ${seconds.toFixed(2)} s = ${(n / seconds).toFixed(0)} msgs/s; CPU of this process ${cpuMs.toFixed(0)} ms (${((cpuMs * 1000) / n).toFixed(0)} µs a mail), ` +
    `PostgreSQL ${after.postgres - children.postgres} ms, SMTP sink ${after.sink - children.sink} ms`,
);
await db.close();
sink.kill('SIGTERM');
await stopSharedServices();
