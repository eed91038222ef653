// `cli.js prune`: the daily retention job's work, now (src/reports/retention.ts).
import { getConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import type { Logger } from '../log.js';
import { pruneDeliveries } from '../reports/retention.js';

export { PRUNE_USAGE } from './cli-prune-usage.js';


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
