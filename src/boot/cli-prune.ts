// `cli.js prune`: the daily retention job's work, now (src/reports/retention.ts).
import { getConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import type { Logger } from '../log.js';
import { pruneDeliveries } from '../reports/retention.js';

export const PRUNE_USAGE = `Usage: node dist/cli.js prune

Deletes the delivery rows of runs that ended more than DELIVERY_RETENTION_DAYS days ago (default 180), in
batches of 5,000 with a pause between two; each run keeps its counts and first server answer. The scheduler
does the same every day at 03:30 (APP_TIMEZONE); this command does it now. Exit code 0 when done.`;

export async function prune(log: Logger): Promise<number> {
  const config = getConfig();
  const db = await openDatabase(config, { log: log.child('db').info });
  try {
    const done = await pruneDeliveries(db.sequelize, { days: config.deliveryRetentionDays, log: log.child('retention') });
    process.stdout.write(
      `Removed ${done.deliveries} delivery row(s) of ${done.attempts} run(s) that ended before ${done.cutoff.toISOString()} (${done.batches} batch(es))\n`,
    );
  } finally {
    await db.close();
  }
  return 0;
}
