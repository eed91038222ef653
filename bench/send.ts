// `npm run bench:send`: the engine's speed against raw pooled nodemailer to the same local SMTP server, and the
// sender's peak memory at 10,000 and 100,000 recipients. Prints the figures and the ratio (goal ≥ 0.8).
import nodemailer from 'nodemailer';
import { openDatabase, type Database } from '../src/db/database.js';
import { silentLogger } from '../src/log.js';
import { createSmtpTransport, DEFAULT_SMTP_POOL } from '../src/mail/smtp-transport.js';
import { runMailing } from '../src/sending/run-mailing.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';
import { prepareMailing } from './send-fixtures.js';
import { QueryTypes } from 'sequelize';
import { buildMail, loadRunContent } from '../src/sending/build-mail.js';
import { BODY, FROM, IDENTITY, rawMail, rawRecipient, sendRaw, SUBJECT, type RawMail } from './raw-send.js';
import { median as medianOf, sendInFreshProcess, startSink } from './bench-processes.js';

const POOL = { maxConnections: DEFAULT_SMTP_POOL.maxConnections, maxMessages: DEFAULT_SMTP_POOL.maxMessages };

/**
 * Peak RSS, and peak live heap, of this process while `work` runs (with `measureLive`). With `measureLive` a full GC runs every
 * 500 ms before sampling the heap (node --expose-gc), so the figure is what is really held, not garbage V8
 * has not collected yet; that slows the run a little, so the speed runs do not do it.
 */
async function withPeakMemory<T>(work: () => Promise<T>, measureLive: boolean): Promise<{ result: T; rssMb: number; heapMb: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  let rss = 0;
  let heap = 0;
  const sample = (): void => {
    if (measureLive) gc?.();
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  // speed runs sample only at the end: process.memoryUsage() every few ms costs the run ~1 % of its CPU
  const timer = measureLive ? setInterval(sample, 500) : undefined;
  try {
    const result = await work();
    sample();
    return { result, rssMb: rss / 2 ** 20, heapMb: heap / 2 ** 20 };
  } finally {
    if (timer) clearInterval(timer);
  }
}

async function rawNodemailer(url: string, n: number): Promise<number> {
  return n / (await sendRaw(url, n, POOL));
}

async function engine(db: Database, url: string, n: number, measureLive = false): Promise<{ rate: number; rssMb: number; heapMb: number; sent: number; seconds: number }> {
  const mailingId = await prepareMailing(db, n, SUBJECT, BODY);
  const transport = createSmtpTransport({ url, from: FROM, pool: POOL, logger: () => undefined });
  const measured = await withPeakMemory(async () => {
    const started = process.hrtime.bigint();
    const outcome = await runMailing(
      { sequelize: db.sequelize, transport, log: silentLogger, concurrency: POOL.maxConnections, identity: IDENTITY },
      mailingId,
      { scheduledFor: new Date(), trigger: 'cli' },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { outcome, seconds };
  }, measureLive);
  await transport.close();
  const { outcome, seconds } = measured.result;
  if (outcome.kind !== 'done' || outcome.sent !== n) throw new Error(`the engine did not send everything: ${JSON.stringify(outcome)}`);
  return { rate: n / seconds, rssMb: measured.rssMb, heapMb: measured.heapMb, sent: outcome.sent, seconds };
}

/** A mail as nodemailer writes it (its Date fixed, its multipart boundary named), to compare the raw mail with the engine's. */
async function compiled(mail: RawMail): Promise<string> {
  const writer = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await writer.sendMail({ ...mail, date: new Date(0) });
  const text = (info.message as Buffer).toString();
  const boundary = /boundary="([^"]+)"/.exec(text)?.[1];
  return boundary ? text.split(boundary).join('BOUNDARY') : text;
}

/**
 * Before anything is measured: the raw baseline's mail to a client must be the engine's mail to that client, byte for
 * byte once nodemailer has written it (both addresses, Reply-To, Message-ID, the unsubscribe headers, the footer in
 * every part). The engine's is built as a run builds it (loadRunContent + buildMail), handed to nodemailer with the
 * fields src/mail/smtp-transport.ts hands it.
 */
async function sameMailCheck(db: Database, html?: { html: string; text: string }): Promise<void> {
  const mailingId = html ? await prepareHtmlMailing(db, 1, html.html, html.text) : await prepareMailing(db, 1, SUBJECT, BODY);
  const content = (await loadRunContent(db.sequelize, { attemptId: 10, mailingId, messageIdDomain: 'mailing.local', identity: IDENTITY }))!;
  const [client] = await db.sequelize.query<{ id: number; email: string; full_name: string }>(
    'SELECT c.id, c.email, c.full_name FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id WHERE mc.mailing_id = $1',
    { bind: [mailingId], type: QueryTypes.SELECT },
  );
  const engineMail = buildMail(content, { id: '100001', email: client!.email, fullName: client!.full_name, comment: '', clientId: client!.id });
  const recipient = { deliveryId: '100001', attemptId: 10, clientId: client!.id, ownerId: content.owner.id, ownerEmail: content.owner.email, email: client!.email, name: client!.full_name };
  const raw = rawMail(recipient, html ? renderedFor(1, html.html, html.text, client!.email) : { subject: SUBJECT, text: BODY });
  const { from, to, replyTo, subject, text, html: htmlPart, headers } = engineMail;
  const engineWritten = await compiled({ from, to, replyTo, subject, text, html: htmlPart, headers } as RawMail);
  const rawWritten = await compiled(raw);
  if (engineWritten !== rawWritten) {
    throw new Error(`the raw baseline does not send the engine's mail${html ? ' (personalised HTML)' : ''}:\n--- engine\n${engineWritten}\n--- raw\n${rawWritten}`);
  }
}

const fmt = (x: number, digits = 0): string => x.toFixed(digits);

/** A slow server: greets after 10 s, answers MAIL FROM, RCPT TO and the end of DATA after 200 ms each. */
const SLOW = { greetingMs: 10_000, replyMs: 200, mails: 100 };

async function slowServerRow(db: Database): Promise<void> {
  const slow = await startSink(['--greeting-ms', String(SLOW.greetingMs), '--reply-ms', String(SLOW.replyMs)]);
  try {
    const run = await engine(db, slow.url, SLOW.mails);
    // the delays allow: one greeting (the connections open together), then 3 slow replies per mail, 5 mails at a time
    const ideal = (SLOW.greetingMs + Math.ceil(SLOW.mails / POOL.maxConnections) * 3 * SLOW.replyMs) / 1000;
    console.log(
      `slow server (greeting ${SLOW.greetingMs / 1000} s, ${SLOW.replyMs} ms per reply, ${SLOW.mails} recipients): engine ${fmt(run.seconds, 1)} s, ideal ${fmt(ideal, 1)} s, ideal/time ${fmt(ideal / run.seconds, 2)}`,
    );
  } finally {
    await slow.stop();
  }
}

/** CPU time and peak RSS of 1,000 mails, each measured in a fresh process (bench/send-one.ts), median of 3. */
async function costRows(sinkUrl: string, databaseUrl: string): Promise<void> {
  const one = (mode: 'engine' | 'raw') => sendInFreshProcess(mode, 1000, sinkUrl, databaseUrl);
  console.log('per 1,000 mails, each in a fresh process (median of 3): sending time, CPU time (user + system) of the send, peak RSS of the process');
  const results: Record<string, { seconds: number; cpuMs: number; maxRssMb: number }> = {};
  for (const mode of ['raw', 'engine'] as const) {
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push(await one(mode));
    results[mode] = { seconds: medianOf(runs.map((r) => r.seconds)), cpuMs: medianOf(runs.map((r) => r.cpuMs)), maxRssMb: medianOf(runs.map((r) => r.maxRssMb)) };
    const r = results[mode]!;
    console.log(`  ${mode.padEnd(6)} ${fmt(r.seconds, 2)} s, CPU ${fmt(r.cpuMs)} ms, peak RSS ${fmt(r.maxRssMb)} MB`);
  }
  console.log(`  engine / raw: time ${fmt(results.engine!.seconds / results.raw!.seconds, 2)}, CPU ${fmt(results.engine!.cpuMs / results.raw!.cpuMs, 2)}`);
}

async function main(): Promise<void> {
  const sink = await startSink();
  const url = await createScratchDatabase('bench_send');
  const db = await openDatabase({ databaseUrl: url, embeddedPostgresPort: 0, dataDir: '/tmp' });
  try {
    console.log(`pool: ${POOL.maxConnections} connections, ${POOL.maxMessages} mails per connection; SMTP sink in its own process`);
    await sameMailCheck(db);
    console.log('raw and engine send the same mail (checked byte for byte: addresses, Reply-To, Message-ID, List-Unsubscribe, the footer)');
    // `npm run bench:send -- --no-rounds` skips the speed rounds (to measure the other rows alone)
    if (!process.argv.includes('--no-rounds')) {
      // warm-up: JIT, connections. Then raw and engine alternate for 5 rounds; each round's ratio compares two runs
      // made under the same load (the machine is shared and noisy), and the median round is the figure
      await rawNodemailer(sink.url, 500);
      const rounds: Array<{ raw: number; engine: number; ratio: number }> = [];
      for (let round = 0; round < 5; round += 1) {
        const raw = await rawNodemailer(sink.url, 10_000);
        const run = await engine(db, sink.url, 10_000);
        rounds.push({ raw, engine: run.rate, ratio: run.rate / raw });
      }
      const sorted = rounds.slice().sort((a, b) => a.ratio - b.ratio);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      console.log('round  raw pooled nodemailer  engine (runMailing)  ratio   (10,000 mails each, msgs/s)');
      rounds.forEach((r, i) => console.log(`${String(i + 1).padStart(5)}  ${fmt(r.raw).padStart(21)}  ${fmt(r.engine).padStart(19)}  ${fmt(r.ratio, 2)}`));
      console.log(`median round: raw ${fmt(median.raw)} msgs/s, engine ${fmt(median.engine)} msgs/s, ratio ${fmt(median.ratio, 2)} (goal ≥ 0.80)`);
      console.log(`best of each: raw ${fmt(Math.max(...rounds.map((r) => r.raw)))}, engine ${fmt(Math.max(...rounds.map((r) => r.engine)))} msgs/s`);
    }
    await personalisedHtml(db, sink.url, process.argv.includes('--quick'));
    // `npm run bench:send -- --quick` stops here
    if (process.argv.includes('--quick')) return;
    await slowServerRow(db);
    await costRows(sink.url, db.url);
    // `npm run bench:send -- --no-memory` stops here
    if (process.argv.includes('--no-memory')) return;
    const gcNote = (globalThis as { gc?: unknown }).gc ? 'live heap after GC' : 'heap (run with --expose-gc for the live heap)';
    for (const n of [10_000, 100_000]) {
      const run = await engine(db, sink.url, n, true);
      console.log(`memory at ${n.toLocaleString('en')} recipients: peak RSS ${fmt(run.rssMb)} MB, peak ${gcNote} ${fmt(run.heapMb, 1)} MB (${fmt(run.rate)} msgs/s)`);
    }
  } finally {
    await db.close();
    await sink.stop();
    await stopSharedServices();
  }
}

// --- personalised HTML (issue 12): the engine rendering {{ name }} into subject, HTML and text per recipient, against
// raw pooled nodemailer sending the same mails already rendered (multipart/alternative both) ---

const HTML_SUBJECT = 'News for {{ name | default: "you" }}';
const HTML_BODY = `<h1>Hello {{ name | default: "friend" }}!</h1>${'<p>This is the <b>benchmark</b> mailing, written for {{ name }} <{{ email }}>. <a href="https://mailing.test/more">More</a></p>'.repeat(8)}`;

/** What the template gives for client i at `email` (the raw baseline sends this, rendered by hand). */
function renderedFor(i: number, html: string, text: string, email: string): { subject: string; html: string; text: string } {
  const name = `Client ${i}`;
  const fill = (s: string) => s.replace(/\{\{ name \| default: "[a-z]+" \}\}/g, name).replace(/\{\{ name \}\}/g, name).replace(/\{\{ email \}\}/g, email);
  return { subject: fill(HTML_SUBJECT), html: fill(html), text: fill(text) };
}

async function rawNodemailerHtml(url: string, n: number, html: string, text: string): Promise<number> {
  const transporter = nodemailer.createTransport({ pool: true, url, ...POOL });
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: POOL.maxConnections }, async () => {
      while (next < n) {
        const i = next++;
        const recipient = rawRecipient(i);
        await transporter.sendMail(rawMail(recipient, renderedFor(i, html, text, recipient.email)));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  transporter.close();
  return n / seconds;
}

async function prepareHtmlMailing(db: Database, n: number, html: string, text: string): Promise<number> {
  const mailingId = await prepareMailing(db, n, HTML_SUBJECT, text);
  await db.sequelize.query(
    `UPDATE messages m SET subject = $2, html = $3, body = $4 FROM mailings g WHERE g.id = $1 AND m.id = g.message_id`,
    { bind: [mailingId, HTML_SUBJECT, html, text] },
  );
  return mailingId;
}

async function engineHtml(db: Database, url: string, n: number, html: string, text: string, measureLive = false): Promise<{ rate: number; rssMb: number; heapMb: number }> {
  const mailingId = await prepareHtmlMailing(db, n, html, text);
  const transport = createSmtpTransport({ url, from: FROM, pool: POOL, logger: () => undefined });
  const measured = await withPeakMemory(async () => {
    const started = process.hrtime.bigint();
    const outcome = await runMailing({ sequelize: db.sequelize, transport, log: silentLogger, concurrency: POOL.maxConnections, identity: IDENTITY }, mailingId, { scheduledFor: new Date(), trigger: 'cli' });
    return { outcome, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }, measureLive);
  await transport.close();
  const { outcome, seconds } = measured.result;
  if (outcome.kind !== 'done' || outcome.sent !== n) throw new Error(`the engine did not send everything: ${JSON.stringify(outcome)}`);
  return { rate: n / seconds, rssMb: measured.rssMb, heapMb: measured.heapMb };
}

async function personalisedHtml(db: Database, url: string, quick: boolean): Promise<void> {
  const { prepareMessage } = await import('../src/messages/compose.js');
  const { html, text } = prepareMessage({ subject: HTML_SUBJECT, html: HTML_BODY });
  await sameMailCheck(db, { html, text });
  const rounds: Array<{ raw: number; engine: number; ratio: number }> = [];
  await rawNodemailerHtml(url, 500, html, text);
  for (let round = 0; round < 5; round += 1) {
    const raw = await rawNodemailerHtml(url, 10_000, html, text);
    const run = await engineHtml(db, url, 10_000, html, text);
    rounds.push({ raw, engine: run.rate, ratio: run.rate / raw });
  }
  const median = rounds.slice().sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  console.log('personalised HTML: round  raw nodemailer, pre-rendered  engine, rendering per recipient  ratio   (10,000 mails each, msgs/s)');
  rounds.forEach((r, i) => console.log(`${String(i + 1).padStart(24)}  ${fmt(r.raw).padStart(28)}  ${fmt(r.engine).padStart(32)}  ${fmt(r.ratio, 2)}`));
  console.log(`personalised HTML, median round: raw ${fmt(median.raw)} msgs/s, engine ${fmt(median.engine)} msgs/s, ratio ${fmt(median.ratio, 2)} (goal ≥ 0.80)`);
  if (quick) return;
  const gcNote = (globalThis as { gc?: unknown }).gc ? 'live heap after GC' : 'heap (run with --expose-gc for the live heap)';
  for (const n of [10_000, 100_000]) {
    const run = await engineHtml(db, url, n, html, text, true);
    console.log(`personalised HTML, memory at ${n.toLocaleString('en')} recipients: peak RSS ${fmt(run.rssMb)} MB, peak ${gcNote} ${fmt(run.heapMb, 1)} MB (${fmt(run.rate)} msgs/s)`);
  }
}

await main();
