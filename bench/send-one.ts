// One measured send in a fresh process, for bench/send.ts's CPU and memory rows: `engine` (runMailing over the
// database) or `raw` (pooled nodemailer alone, which loads nothing else). Prints one JSON line:
// { seconds, cpuMs, maxRssMb } — the send's wall time and CPU time (user + system), and the process's peak RSS.
// Usage: node --import tsx bench/send-one.ts <engine|raw> <mails> <smtp url> [database url]
const [mode, count, smtpUrl, databaseUrl] = process.argv.slice(2);
const n = Number(count);
const POOL = { maxConnections: 5 };

async function raw(): Promise<() => Promise<void>> {
  const { sendRaw } = await import('./raw-send.js');
  return async () => {
    await sendRaw(smtpUrl!, n, { ...POOL, maxMessages: Infinity });
  };
}

async function engine(): Promise<() => Promise<void>> {
  const { openDatabase } = await import('../src/db/database.js');
  const { silentLogger } = await import('../src/log.js');
  const { createSmtpTransport } = await import('../src/mail/smtp-transport.js');
  const { runMailing } = await import('../src/sending/run-mailing.js');
  const { prepareMailing } = await import('./send-fixtures.js');
  const { BODY, FROM, IDENTITY, SUBJECT } = await import('./raw-send.js');
  const db = await openDatabase({ databaseUrl: databaseUrl!, embeddedPostgresPort: 0, dataDir: '/tmp' });
  const mailingId = await prepareMailing(db, n, SUBJECT, BODY);
  return async () => {
    const transport = createSmtpTransport({ url: smtpUrl!, from: FROM, pool: POOL, logger: () => undefined });
    const outcome = await runMailing({ sequelize: db.sequelize, transport, log: silentLogger, concurrency: POOL.maxConnections, identity: IDENTITY }, mailingId, {
      scheduledFor: new Date(),
      trigger: 'cli',
    });
    await transport.close();
    await db.close();
    if (outcome.kind !== 'done' || outcome.sent !== n) throw new Error(`the engine did not send everything: ${JSON.stringify(outcome)}`);
  };
}

const send = mode === 'engine' ? await engine() : await raw();
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
await send();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ seconds, cpuMs: (used.user + used.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
process.exit(0);
