// `npm run bench:import`: the audience at 100,000 clients of one owner.
//  1. Import of a 100,000-row CSV into an owner who has 100,000 clients (half the rows are those clients): wall
//     time and peak RSS (each import in a child process of its own, so the peak is that import's), against a
//     baseline of the same file parsed and inserted plainly into an empty table of the same shape and indexes
//     (batched INSERTs, no validation, no duplicates, no tags); peak RSS of a 10,000-row import beside it (memory
//     must not grow with the file).
//  2. The clients list, its filter and the picker's search through the back office's HTTP API: median and p95,
//     against a primary-key read (a client's show page) through the same stack.
//  3. A mailing to a tag of 100,000 clients (and one to all clients): the time to create it, and its first run's
//     snapshot of the deliveries, against a plain INSERT … SELECT of the owner's clients (medians of 3 rounds).
//     `npm run bench:import -- --only=snapshot` runs this section alone (on 100,000 clients beside 100,000 others).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import { QueryTypes } from 'sequelize';
import { loadActor } from '../src/access/policy.js';
import { clientImports } from '../src/audience/import/import-service.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { projectRoot } from '../src/paths.js';
import { openAttempt } from '../src/sending/run-mailing.js';
import { snapshotRecipients } from '../src/sending/snapshot.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';
import { startTestApp } from '../test/helpers/app.js';
import { loggedIn } from '../test/helpers/admin-client.js';
import { createMessage, createUser } from '../test/helpers/factories.js';
import { median } from './bench-processes.js';

const EXISTING = 100_000;
const REQUESTS = Number(process.argv.find((a) => a.startsWith('--requests='))?.split('=')[1] ?? 60);

async function open(url: string, migrate = false): Promise<Database> {
  return openDatabase({ databaseUrl: url, embeddedPostgresPort: 0, dataDir: os.tmpdir() }, { migrate });
}

async function insertClients(db: Database, ownerId: number, n: number, prefix: string): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO clients (owner_id, email, full_name, comment)
     SELECT $1, $2 || '-' || i || '@bench.test', 'Клиент ' || i || ' Петров', '' FROM generate_series(1, $3) AS i`,
    { bind: [ownerId, prefix, n] },
  );
  await db.sequelize.query('ANALYZE clients');
}

/** The file: `rows` rows, the first half the owner's existing clients (another case), the rest new. */
async function writeCsv(file: string, rows: number): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write('E-mail;ФИО;Комментарий;Теги\r\n');
  for (let i = 1; i <= rows; i++) {
    const email = i <= rows / 2 ? `C-${i}@BENCH.TEST` : `n-${i}@bench.test`;
    if (!out.write(`${email};Клиент ${i};"комментарий; ${i}";tag-${i % 10}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Child: one import of `rows` rows into a new owner with `existing` clients; prints its figures as JSON. */
async function importChild(url: string, rows: number, existing: number): Promise<void> {
  const db = await open(url);
  const owner = await createUser(db, { email: `owner-${rows}-${process.pid}@bench.test` });
  await insertClients(db, owner.id, existing, 'c');
  const actor = (await loadActor(db.models, owner.id))!;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const file = path.join(folder, 'upload.csv');
  await writeCsv(file, rows);
  const size = fs.statSync(file).size;
  const imports = clientImports(db, { folder, maxBytes: 1024 * 1024 * 1024 });
  const rssBefore = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const preview = await imports.upload(actor, { path: file, name: 'upload.csv', size });
  const previewed = process.hrtime.bigint();
  const result = await imports.confirm(actor, preview.id, { mapping: preview.mapping, onDuplicate: 'update' });
  const done = process.hrtime.bigint();
  const peakRss = process.resourceUsage().maxRSS * 1024;

  // the baseline: the same file parsed and inserted plainly into a copy of the table
  const plainFile = path.join(folder, 'plain.csv');
  await writeCsv(plainFile, rows);
  // the same table shape (its indexes: the unique address per owner, the trigram search indexes), empty
  await db.sequelize.query('CREATE TABLE IF NOT EXISTS bench_plain (LIKE clients INCLUDING ALL)');
  const baseStarted = process.hrtime.bigint();
  const parser = fs.createReadStream(plainFile).pipe(parse({ delimiter: ';', from_line: 2 }));
  let batch: string[][] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await db.sequelize.query(
      `INSERT INTO bench_plain (id, owner_id, email, full_name, comment) SELECT nextval('clients_id_seq'), $1, r.e, r.n, r.c FROM unnest($2::text[], $3::text[], $4::text[]) AS r (e, n, c)`,
      { bind: [owner.id, batch.map((r) => r[0]), batch.map((r) => r[1]), batch.map((r) => r[2])] },
    );
    batch = [];
  };
  for await (const record of parser as AsyncIterable<string[]>) {
    batch.push(record);
    if (batch.length >= 2000) await flush();
  }
  await flush();
  const baseDone = process.hrtime.bigint();
  await db.sequelize.query('DROP TABLE bench_plain');
  fs.rmSync(folder, { recursive: true, force: true });
  await db.close();
  console.log(
    `RESULT ${JSON.stringify({
      rows, existing, sizeMb: size / 2 ** 20,
      previewS: Number(previewed - started) / 1e9,
      confirmS: Number(done - previewed) / 1e9,
      totalS: Number(done - started) / 1e9,
      baselineS: Number(baseDone - baseStarted) / 1e9,
      rssBeforeMb: rssBefore / 2 ** 20,
      peakRssMb: peakRss / 2 ** 20,
      result: { added: result.added, updated: result.updated, skipped: result.skipped, refused: result.refused },
    })}`,
  );
}

interface ImportRun {
  rows: number;
  existing: number;
  sizeMb: number;
  previewS: number;
  confirmS: number;
  totalS: number;
  baselineS: number;
  rssBeforeMb: number;
  peakRssMb: number;
  result: Record<string, number>;
}

async function runImportChild(url: string, rows: number, existing: number): Promise<ImportRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bench/import.ts'), `--child=${url}`, String(rows), String(existing)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) throw new Error(`the import child failed (${code}): ${out}`);
  return JSON.parse(line.slice('RESULT '.length)) as ImportRun;
}

function stats(ms: number[]): { median: number; p95: number } {
  const sorted = ms.slice().sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]! };
}

async function timed(get: (i: number) => Promise<{ status: number }>, samples: number[] = []): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 5; i++) await get(i); // warm-up
  const ms = samples;
  for (let i = 0; i < REQUESTS; i++) {
    const started = process.hrtime.bigint();
    const response = await get(i);
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  }
  return stats(ms);
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits);

const ROUNDS = 3;

/**
 * Section 3: a mailing to a tag carried by the owner's 100,000 clients (and one to all of them), created through
 * the mailing service; then ROUNDS rounds of its first run's snapshot and of the baseline (a plain INSERT … SELECT
 * of the same rows), each on an emptied deliveries table after a checkpoint, so every round starts alike.
 */
async function snapshotSection(db: Database, app: Awaited<ReturnType<typeof startTestApp>>, ownerId: number, failures: string[]): Promise<void> {
  const actor = (await loadActor(db.models, ownerId))!;
  const owner = (await db.models.User.findByPk(ownerId))!;
  const message = await createMessage(db, owner);
  const [{ id: tagId }] = await db.sequelize.query<{ id: number }>("INSERT INTO tags (owner_id, name) VALUES ($1, 'everyone') RETURNING id", { bind: [ownerId], type: QueryTypes.SELECT });
  await db.sequelize.query('INSERT INTO client_tags (tag_id, client_id) SELECT $1, id FROM clients WHERE owner_id = $2', { bind: [tagId, ownerId] });
  await db.sequelize.query('ANALYZE client_tags');
  const later = { name: 'Bench mailing', messageId: message.id, clientIds: [], startAt: new Date(Date.now() + 86_400_000), endAt: new Date(Date.now() + 30 * 86_400_000), periodicity: 'daily' as const };
  let started = process.hrtime.bigint();
  const tagged = await app.ctx.mailings.create(actor, { ...later, tagIds: [tagId] });
  const createTagMs = Number(process.hrtime.bigint() - started) / 1e6;
  started = process.hrtime.bigint();
  await app.ctx.mailings.create(actor, { ...later, audienceAll: true });
  const createAllMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`\n3. Mailing to the tag of ${EXISTING.toLocaleString('en-US')} clients: created in ${fmt(createTagMs)} ms ("all clients": ${fmt(createAllMs)} ms);`);

  let scheduled = Date.now();
  const fresh = async (): Promise<number> => {
    await db.sequelize.query('TRUNCATE deliveries, delivery_tries');
    await db.sequelize.query('CHECKPOINT');
    const attempt = await openAttempt(db.sequelize, tagged.id, { scheduledFor: new Date((scheduled += 1000)), trigger: 'manual' });
    return attempt.id;
  };
  const close = (attemptId: number) => db.sequelize.query("UPDATE attempts SET status = 'cancelled', finished_at = now() WHERE id = $1", { bind: [attemptId] });
  const snapshots: number[] = [];
  const plains: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    let attemptId = await fresh();
    started = process.hrtime.bigint();
    await snapshotRecipients(db.sequelize, attemptId, tagged.id);
    const snapshotMs = Number(process.hrtime.bigint() - started) / 1e6;
    const [{ n }] = await db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries WHERE attempt_id = $1', { bind: [attemptId], type: QueryTypes.SELECT });
    if (n !== EXISTING) failures.push(`snapshot wrote ${n} deliveries, not ${EXISTING}`);
    await close(attemptId);
    // the baseline: the same rows copied plainly (the owner's clients, no audience to resolve)
    attemptId = await fresh();
    started = process.hrtime.bigint();
    await db.sequelize.query('INSERT INTO deliveries (attempt_id, client_id, email) SELECT $1, c.id, c.email FROM clients c WHERE c.owner_id = $2 ORDER BY c.id', { bind: [attemptId, ownerId] });
    const plainMs = Number(process.hrtime.bigint() - started) / 1e6;
    await close(attemptId);
    snapshots.push(snapshotMs);
    plains.push(plainMs);
    console.log(`   round ${round} (load ${os.loadavg()[0]!.toFixed(1)}): snapshot ${fmt(snapshotMs)} ms for ${n.toLocaleString('en-US')} deliveries; plain INSERT … SELECT ${fmt(plainMs)} ms; ratio ${fmt(snapshotMs / plainMs, 2)}`);
  }
  const snapshotMs = median(snapshots);
  const plainMs = median(plains);
  console.log(`   first run's snapshot, median of ${ROUNDS}: ${fmt(snapshotMs)} ms (one statement); baseline plain INSERT … SELECT ${fmt(plainMs)} ms; ratio ${fmt(snapshotMs / plainMs, 2)}; goal ≤ 3 s`);
  if (snapshotMs > 3000) failures.push(`snapshot ${fmt(snapshotMs)} ms`);
}

/** The owner of sections 2 and 3 with EXISTING clients, beside another user with as many. */
async function ownerAmongOthers(db: Database): Promise<{ id: number }> {
  const owner = await createUser(db, { email: 'api-owner@bench.test' });
  const stranger = await createUser(db, { email: 'api-other@bench.test' });
  await insertClients(db, owner.id, EXISTING, 'a');
  await insertClients(db, stranger.id, EXISTING, 'b');
  return owner;
}

/** `--only=snapshot`: section 3 alone, on an owner with 100,000 clients beside another owner's 100,000. */
async function snapshotOnly(): Promise<void> {
  const url = await createScratchDatabase('bench_snapshot');
  const db = await open(url, true);
  const failures: string[] = [];
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  const app = await startTestApp({ db });
  try {
    const owner = await ownerAmongOthers(db);
    await snapshotSection(db, app, owner.id, failures);
  } finally {
    await app.stop();
    await db.close();
    await stopSharedServices();
  }
  console.log(`load average at the end ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  console.log(failures.length === 0 ? '\nall goals met' : `\ngoals missed: ${failures.join('; ')}`);
}

async function main(): Promise<void> {
  const url = await createScratchDatabase('bench_import');
  const db = await open(url, true);
  const failures: string[] = [];
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);

  // 1. the import
  console.log('\n1. CSV import (UTF-8, ";", quoted cells, a tag a row), "update existing", into an owner with clients:');
  const small = await runImportChild(url, 10_000, 10_000);
  const big = await runImportChild(url, 100_000, EXISTING);
  for (const run of [small, big]) {
    console.log(
      `   ${run.rows.toLocaleString('en-US')} rows (${fmt(run.sizeMb)} MB) into ${run.existing.toLocaleString('en-US')} clients: ` +
      `${fmt(run.totalS, 2)} s (preview ${fmt(run.previewS, 2)} s + confirm ${fmt(run.confirmS, 2)} s); baseline plain INSERT ${fmt(run.baselineS, 2)} s; ` +
      `ratio ${fmt(run.totalS / run.baselineS, 2)}; peak RSS ${fmt(run.peakRssMb)} MB (${fmt(run.rssBeforeMb)} MB before); ${JSON.stringify(run.result)}`,
    );
  }
  console.log(`   peak RSS 100k / 10k: ${fmt(big.peakRssMb / small.peakRssMb, 2)} (goal: flat); 100k import goal ≤ 20 s`);
  if (big.totalS > 20) failures.push(`import of 100,000 rows took ${fmt(big.totalS)} s`);

  // 2. the HTTP API
  const app = await startTestApp({ db });
  try {
    const owner = await ownerAmongOthers(db);
    const client = await loggedIn(app.url, 'api-owner@bench.test');
    const [{ first }] = await db.sequelize.query<{ first: number }>('SELECT min(id) AS first FROM clients WHERE owner_id = $1', { bind: [owner.id], type: QueryTypes.SELECT });
    const queries = ['петров', 'клиент 4242', 'a-99', '12345@', 'zzz-nothing', 'КЛИЕНТ 7', '', 'bench.test', 'a-5000', 'иван'];
    console.log(`\n2. The back office's HTTP API, ${EXISTING.toLocaleString('en-US')} clients of the user (${(3 * EXISTING).toLocaleString('en-US')}+ in the table), ${REQUESTS} sequential requests each, ms:`);
    const picker: number[] = [];
    const base = await timed((i) => client.get(`/admin/api/resources/clients/records/${first + ((i * 997) % EXISTING)}/show`));
    const rows: Array<[string, { median: number; p95: number }]> = [
      ['baseline: a client\'s show page (primary key)', base],
      ['clients list, page 1..50', await timed((i) => client.get(`/admin/api/resources/clients/actions/list?page=${1 + (i % 50)}`))],
      ['clients list filtered by e-mail', await timed((i) => client.get(`/admin/api/resources/clients/actions/list?filters.email=${encodeURIComponent(queries[i % queries.length] || 'a-1')}`))],
      ['picker search (name or e-mail)', await timed((i) => client.get(`/admin/api/client-picker?q=${encodeURIComponent(queries[i % queries.length]!)}`), picker)],
    ];
    for (const [what, figures] of rows) {
      console.log(`   ${what}: median ${fmt(figures.median)}, p95 ${fmt(figures.p95)}; median ratio to baseline ${fmt(figures.median / base.median, 2)}`);
      if (what !== rows[0]![0] && figures.p95 > 150) failures.push(`${what}: p95 ${fmt(figures.p95)} ms`);
    }
    // which pieces make the picker's tail: each query's median over its requests
    const perQuery = queries.map((q, k) => ({ q, median: stats(picker.filter((_, i) => i % queries.length === k)).median }));
    console.log(`   picker, median per query: ${perQuery.sort((a, b) => b.median - a.median).map((p) => `"${p.q}" ${fmt(p.median)}`).join(', ')}`);

    // 3. a mailing to 100,000 tagged clients
    await snapshotSection(db, app, owner.id, failures);
  } finally {
    await app.stop();
    await db.close();
    await stopSharedServices();
  }
  console.log(failures.length === 0 ? '\nall goals met' : `\ngoals missed: ${failures.join('; ')}`);
}

const childArg = process.argv.find((a) => a.startsWith('--child='));
if (childArg) {
  const [rows, existing] = process.argv.slice(process.argv.indexOf(childArg) + 1).map(Number);
  await importChild(childArg.slice('--child='.length), rows!, existing!);
  process.exit(0);
} else if (process.argv.includes('--only=snapshot')) {
  await snapshotOnly();
  process.exit(0);
} else {
  await main();
  process.exit(0);
}
