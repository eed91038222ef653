// `npm run bench:deliveries`: a run's deliveries page by page on its page (attemptDeliveries, keyset pages of one
// statement), on a run of 200,000 deliveries (5 % failed), against the baseline of the usual list query: the page by
// OFFSET plus a count of the run's rows (what a generic paginated list does). Reads the first, the middle and the
// last page, all and `failed` only; prints medians of the rounds and the ratio to the baseline.
import { Op, QueryTypes } from 'sequelize';
import { openDatabase, type Database } from '../src/db/database.js';
import { attemptDeliveries } from '../src/reports/deliveries.js';
import type { Actor } from '../src/access/policy.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';

const ROWS = 200_000;
const PER_PAGE = 20;
const ROUNDS = 15;
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bigRun(db: Database): Promise<{ attemptId: number; ownerId: number }> {
  const q = async <T>(sql: string, bind: unknown[]): Promise<T> => (await db.sequelize.query(sql, { bind }))[0] as T;
  const [user] = await q<Array<{ id: number }>>(
    `INSERT INTO users (email, password_hash, full_name, verified_at, is_superuser) VALUES ('bench-run@mailing.test', 'x', 'Bench', now(), false) RETURNING id`,
    [],
  );
  const [message] = await q<Array<{ id: number }>>(`INSERT INTO messages (owner_id, subject, body) VALUES ($1, 'Bench', 'Hello') RETURNING id`, [user!.id]);
  const [mailing] = await q<Array<{ id: number }>>(
    `INSERT INTO mailings (owner_id, message_id, start_at, end_at, periodicity) VALUES ($1, $2, now(), now() + interval '1 day', 'daily') RETURNING id`,
    [user!.id, message!.id],
  );
  const [attempt] = await q<Array<{ id: number }>>(
    `INSERT INTO attempts (mailing_id, scheduled_for, attempted_at, finished_at, status, trigger, recipients_count, sent_count)
     VALUES ($1, now(), now(), now(), 'success', 'schedule', $2, $2) RETURNING id`,
    [mailing!.id, ROWS],
  );
  await q(
    `INSERT INTO deliveries (attempt_id, email, status, tries, response_code, response, sent_at)
     SELECT $1, 'r' || i || '@example.test', CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'sent' END, 1, 250, '250 2.0.0 Ok', now()
     FROM generate_series(1, $2) AS i`,
    [attempt!.id, ROWS],
  );
  await db.sequelize.query('VACUUM ANALYZE deliveries');
  return { attemptId: attempt!.id, ownerId: user!.id };
}

/** The baseline: a page by OFFSET and the count of the rows it pages through (two statements). */
async function offsetPage(db: Database, attemptId: number, status: string | undefined, page: number): Promise<number> {
  const where = { attemptId, ...(status ? { status } : {}), id: { [Op.gt]: 0 } };
  const [rows] = await Promise.all([
    db.models.Delivery.findAll({ where, order: [['id', 'ASC']], limit: PER_PAGE, offset: page * PER_PAGE }),
    db.models.Delivery.count({ where }),
  ]);
  return rows.length;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const url = await createScratchDatabase('bench_run_deliveries');
  const db = await openDatabase({ databaseUrl: url, embeddedPostgresPort: 0, dataDir: '/tmp' });
  try {
    const { attemptId, ownerId } = await bigRun(db);
    const owner: Actor = { id: ownerId, email: 'bench-run@mailing.test', isSuperuser: false, permissions: new Set() };
    const ids = await db.sequelize.query<{ id: string }>('SELECT id FROM deliveries WHERE attempt_id = $1 ORDER BY id', { bind: [attemptId], type: QueryTypes.SELECT });
    const failedIds = await db.sequelize.query<{ id: string }>(`SELECT id FROM deliveries WHERE attempt_id = $1 AND status = 'failed' ORDER BY id`, { bind: [attemptId], type: QueryTypes.SELECT });
    const cases = [
      { name: 'all, first page', status: undefined, page: 0, list: ids },
      { name: 'all, middle page', status: undefined, page: Math.floor(ids.length / PER_PAGE / 2), list: ids },
      { name: 'all, last page', status: undefined, page: Math.floor((ids.length - 1) / PER_PAGE), list: ids },
      { name: 'failed, first page', status: 'failed' as const, page: 0, list: failedIds },
      { name: 'failed, last page', status: 'failed' as const, page: Math.floor((failedIds.length - 1) / PER_PAGE), list: failedIds },
    ];
    console.log(`one run of ${ROWS.toLocaleString('en')} deliveries (${failedIds.length.toLocaleString('en')} failed), pages of ${PER_PAGE}, ${ROUNDS} reads each way, medians in ms`);
    console.log('page                 OFFSET + count (baseline)   keyset, one statement   ratio');
    for (const c of cases) {
      const after = c.page === 0 ? undefined : Number(c.list[c.page * PER_PAGE - 1]!.id);
      const base: number[] = [];
      const keyset: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        base.push(await timed(() => offsetPage(db, attemptId, c.status, c.page)));
        keyset.push(await timed(async () => {
          const page = await attemptDeliveries(db.models, owner, attemptId, { status: c.status, after, perPage: PER_PAGE });
          if (page.deliveries.length === 0) throw new Error(`${c.name}: an empty page`);
        }));
      }
      const [b, k] = [median(base), median(keyset)];
      console.log(`${c.name.padEnd(20)} ${b.toFixed(1).padStart(25)}   ${k.toFixed(1).padStart(21)}   ${(k / b).toFixed(3).padStart(5)}`);
    }
  } finally {
    await db.close();
    await stopSharedServices();
  }
}

await main();
