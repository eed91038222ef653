// `npm run bench:million` (issue 14, "1,000,000 recipients in one run"): one engine run (runMailing) of 1,000,000
// recipients in a fresh process (bench/send-one.ts) to the SMTP sink (bench/smtp-sink.ts, its own process): its time
// and msgs/s against raw pooled nodemailer measured in the same bench (goal ≥ 0.8), the process's peak RSS against an
// engine run of 100,000 in the same bench (goal: within +30 MB), and the database's growth per 1,000 deliveries
// (pg_total_relation_size of deliveries, delivery_tries and attempts before and after the run).
// `-- --recipients N` runs N instead of 1,000,000 (a quick try); the comparison runs are min(N, 100,000).
//
// The raw baseline sends 100,000 mails (not 1,000,000: it holds nothing per mail, so its rate does not depend on the
// count), once before and once after the engine's run, and the mean of the two rates is the baseline: the machine is
// shared, and bracketing the long run catches a drift of its load.
import os from 'node:os';
import { QueryTypes } from 'sequelize';
import { openDatabase, type Database } from '../src/db/database.js';
import { createScratchDatabase } from '../test/helpers/database.js';
import { stopSharedServices } from '../test/helpers/shared-services.js';
import { sendInFreshProcess, startSink, type FreshSend } from './bench-processes.js';

const at = process.argv.indexOf('--recipients');
const RECIPIENTS = at === -1 ? 1_000_000 : Number(process.argv[at + 1]);
const COMPARE = Math.min(RECIPIENTS, 100_000);
const GOALS = { ratio: 0.8, rssGrowthMb: 30 };
const TABLES = ['deliveries', 'delivery_tries', 'attempts'] as const;

const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const stamp = (): string => new Date().toISOString().slice(11, 19);

/** A send in a fresh process to a fresh sink, checked: the sink got exactly `n` mails. */
async function measured(mode: 'engine' | 'raw', n: number, databaseUrl: string): Promise<FreshSend & { rate: number }> {
  console.log(`${stamp()} ${mode} ${n.toLocaleString('en')}… (load average ${load()})`);
  const sink = await startSink();
  try {
    const run = await sendInFreshProcess(mode, n, sink.url, databaseUrl);
    const seen = await sink.stop();
    if (seen.received !== n) throw new Error(`${mode} ${n}: the sink got ${seen.received} mails`);
    const result = { ...run, rate: n / run.seconds };
    console.log(`${stamp()} ${mode} ${n.toLocaleString('en')}: ${run.seconds.toFixed(1)} s, ${result.rate.toFixed(0)} msgs/s, CPU ${(run.cpuMs / 1000).toFixed(1)} s, peak RSS ${run.maxRssMb.toFixed(0)} MB`);
    return result;
  } finally {
    await sink.stop();
  }
}

/** Bytes of each table with its indexes and TOAST, and of its indexes alone. */
async function sizes(db: Database): Promise<Record<string, { total: number; indexes: number }>> {
  const rows = await db.sequelize.query<{ name: string; total: string; indexes: string }>(
    `SELECT t AS name, pg_total_relation_size(t::regclass) AS total, pg_indexes_size(t::regclass) AS indexes FROM unnest($1::text[]) AS t`,
    { bind: [TABLES], type: QueryTypes.SELECT },
  );
  return Object.fromEntries(rows.map((r) => [r.name, { total: Number(r.total), indexes: Number(r.indexes) }]));
}

async function main(): Promise<void> {
  const url = await createScratchDatabase('bench_million');
  const db = await openDatabase({ databaseUrl: url, embeddedPostgresPort: 0, dataDir: os.tmpdir() });
  try {
    console.log(
      `million benchmark: one engine run of ${RECIPIENTS.toLocaleString('en')} recipients; engine ${COMPARE.toLocaleString('en')} for the memory baseline; ` +
        `raw pooled nodemailer ${COMPARE.toLocaleString('en')} before and after for the rate; every send in a fresh process, 5 SMTP connections, ` +
        `the sink in its own process; node ${process.version}, ${os.cpus().length} cores, load average ${load()}`,
    );
    await measured('raw', 1_000, url); // warm-up (the file cache), not counted
    const rawBefore = await measured('raw', COMPARE, url);
    const small = await measured('engine', COMPARE, url);
    const before = await sizes(db);
    const big = await measured('engine', RECIPIENTS, url);
    const after = await sizes(db);
    // printed at once: the figures of the long run are kept even if what follows is cut short
    const perThousand = (bytes: number): string => `${(bytes / (RECIPIENTS / 1000) / 1024).toFixed(1)} KB`;
    let total = 0;
    for (const table of TABLES) {
      const grew = after[table]!.total - before[table]!.total;
      const indexes = after[table]!.indexes - before[table]!.indexes;
      total += grew;
      console.log(`database growth, ${table}: ${(grew / 2 ** 20).toFixed(1)} MB (indexes ${(indexes / 2 ** 20).toFixed(1)} MB) = ${perThousand(grew)} per 1,000 deliveries`);
    }
    console.log(`database growth, all three: ${(total / 2 ** 20).toFixed(1)} MB = ${perThousand(total)} per 1,000 deliveries (${(total / RECIPIENTS).toFixed(0)} bytes per delivery)`);
    const rawAfter = await measured('raw', COMPARE, url);

    const raw = (rawBefore.rate + rawAfter.rate) / 2;
    const ratio = big.rate / raw;
    const rssGrowth = big.maxRssMb - small.maxRssMb;
    const cpuPerThousand = (run: FreshSend, n: number): number => run.cpuMs / (n / 1000);
    console.log('');
    console.log(`engine, ${RECIPIENTS.toLocaleString('en')} recipients in one run: ${big.seconds.toFixed(1)} s (${(big.seconds / 60).toFixed(1)} min), ${big.rate.toFixed(0)} msgs/s`);
    console.log(`raw pooled nodemailer, ${COMPARE.toLocaleString('en')} mails: ${rawBefore.rate.toFixed(0)} msgs/s before, ${rawAfter.rate.toFixed(0)} after, mean ${raw.toFixed(0)}`);
    console.log(`msgs/s engine / raw: ${ratio.toFixed(2)} (goal ≥ ${GOALS.ratio}: ${ratio >= GOALS.ratio ? 'met' : 'NOT met'})`);
    console.log(
      `CPU per 1,000 mails: engine ${cpuPerThousand(big, RECIPIENTS).toFixed(0)} ms (at ${COMPARE.toLocaleString('en')}: ${cpuPerThousand(small, COMPARE).toFixed(0)} ms), ` +
        `raw ${cpuPerThousand(rawBefore, COMPARE).toFixed(0)} / ${cpuPerThousand(rawAfter, COMPARE).toFixed(0)} ms`,
    );
    console.log(
      `peak RSS of the sending process: ${RECIPIENTS.toLocaleString('en')} recipients ${big.maxRssMb.toFixed(0)} MB, ${COMPARE.toLocaleString('en')} recipients ${small.maxRssMb.toFixed(0)} MB: ` +
        `${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(0)} MB (goal ≤ +${GOALS.rssGrowthMb} MB: ${rssGrowth <= GOALS.rssGrowthMb ? 'met' : 'NOT met'}); raw ${rawBefore.maxRssMb.toFixed(0)} MB`,
    );
    console.log(`load average at the end: ${load()}`);
  } finally {
    await db.close();
    await stopSharedServices();
  }
}

await main();
