// Counts the statements a piece of work sends to the database (every read and write goes through sequelize.query).
import type { Database } from '../../src/db/database.js';

export async function countQueries(db: Database, fn: () => Promise<unknown>): Promise<number> {
  const original = db.sequelize.query.bind(db.sequelize);
  let count = 0;
  (db.sequelize as unknown as { query: unknown }).query = (...args: Parameters<typeof original>) => {
    count += 1;
    return original(...args);
  };
  try {
    await fn();
  } finally {
    (db.sequelize as unknown as { query: unknown }).query = original;
  }
  return count;
}
