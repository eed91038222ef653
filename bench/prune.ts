// `npm run bench:prune`: report retention on a run of 200,000 deliveries, in batches of 5,000 (pruneDeliveries)
// against the baseline of one DELETE for the whole run. Prints, per round and as medians, the total time and the
// longest single statement (what holds locks, WAL and the disk at once), and their ratios.
import { openDatabase, type Database } from '../src/db/database.js';
import { pruneDeliveries } from '../src/reports/retention.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';

const ROWS = 200_000;
const ROUNDS = 3;
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function oldRun(db: Database, n: number): Promise<number> {
  const q = async <T>(sql: string, bind: unknown[]): Promise<T> => (await db.sequelize.query(sql, { bind }))[0] as T;
  const [user] = await q<Array<{ id: number }>>(
    `INSERT INTO users (email, password_hash, full_name, verified_at, is_superuser) VALUES ($1, 'x', 'Bench', now(), false) RETURNING id`,
    [`bench-prune-${Date.now()}-${Math.random()}@mailing.test`],
  );
  const [message] = await q<Array<{ id: number }>>(`INSERT INTO messages (owner_id, subject, body) VALUES ($1, 'Bench', 'Hello') RETURNING id`, [user!.id]);
  const [mailing] = await q<Array<{ id: number }>>(
    `INSERT INTO mailings (owner_id, message_id, start_at, end_at, periodicity) VALUES ($1, $2, now() - interval '500 days', now(), 'daily') RETURNING id`,
    [user!.id, message!.id],
  );
  const [attempt] = await q<Array<{ id: number }>>(
    `INSERT INTO attempts (mailing_id, scheduled_for, attempted_at, finished_at, status, trigger, recipients_count, sent_count)
     VALUES ($1, now() - interval '400 days', now() - interval '400 days', now() - interval '400 days', 'success', 'schedule', $2, $2) RETURNING id`,
    [mailing!.id, n],
  );
  await q(
    `INSERT INTO deliveries (attempt_id, email, status, tries, response_code, response, sent_at)
     SELECT $1, 'r' || i || '@example.test', 'sent', 1, 250, '250 2.0.0 Ok: queued as ' || md5(i::text), now() - interval '400 days'
     FROM generate_series(1, $2) AS i`,
    [attempt!.id, n],
  );
  await db.sequelize.query('VACUUM ANALYZE deliveries');
  return attempt!.id;
}

async function oneDelete(db: Database): Promise<{ totalMs: number; longestMs: number }> {
  const attemptId = await oldRun(db, ROWS);
  const started = performance.now();
  await db.sequelize.query('DELETE FROM deliveries WHERE attempt_id = $1', { bind: [attemptId] });
  await db.sequelize.query('UPDATE attempts SET details_pruned_at = now() WHERE id = $1', { bind: [attemptId] });
  const ms = performance.now() - started;
  return { totalMs: ms, longestMs: ms };
}

async function batched(db: Database): Promise<{ totalMs: number; longestMs: number; typicalMs: number; batches: number }> {
  await oldRun(db, ROWS);
  const statements: number[] = [];
  const started = performance.now();
  const done = await pruneDeliveries(db.sequelize, { days: 180, pauseMs: 0, onBatch: (_rows, ms) => statements.push(ms) });
  if (done.deliveries !== ROWS) throw new Error(`pruned ${done.deliveries} rows, expected ${ROWS}`);
  return { totalMs: performance.now() - started, longestMs: Math.max(...statements), typicalMs: median(statements), batches: done.batches };
}

const fmt = (x: number, digits = 0): string => x.toFixed(digits);

async function main(): Promise<void> {
  const url = await createScratchDatabase('bench_prune');
  const db = await openDatabase({ databaseUrl: url, embeddedPostgresPort: 0, dataDir: '/tmp' });
  try {
    console.log(`one finished run of ${ROWS.toLocaleString('en')} deliveries, pruned ${ROUNDS} times each way (no pause between batches here)`);
    console.log('round  one DELETE (ms)  batches of 5,000: total / median statement / longest statement (ms)');
    const single: Array<{ totalMs: number; longestMs: number }> = [];
    const batches: Array<{ totalMs: number; longestMs: number; typicalMs: number; batches: number }> = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      single.push(await oneDelete(db));
      batches.push(await batched(db));
      console.log(
        `${String(round + 1).padStart(5)}  ${fmt(single[round]!.totalMs).padStart(15)}  ${fmt(batches[round]!.totalMs).padStart(24)} / ${fmt(batches[round]!.typicalMs)} / ${fmt(batches[round]!.longestMs)} (${batches[round]!.batches} statements)`,
      );
    }
    const oneTotal = median(single.map((r) => r.totalMs));
    const total = median(batches.map((r) => r.totalMs));
    const longest = median(batches.map((r) => r.longestMs));
    const typical = median(batches.map((r) => r.typicalMs));
    console.log(
      `medians: one DELETE ${fmt(oneTotal)} ms; batched: total ${fmt(total)} ms (ratio ${fmt(total / oneTotal, 2)}), ` +
        `a statement ${fmt(typical)} ms (ratio ${fmt(typical / oneTotal, 3)}), the longest ${fmt(longest)} ms (ratio ${fmt(longest / oneTotal, 3)})`,
    );
    console.log('with the default pause of 200 ms between statements, the job takes about 40 × 0.2 s = 8 s longer per 200,000 rows');
  } finally {
    await db.close();
    await stopSharedServices();
  }
}

await main();
