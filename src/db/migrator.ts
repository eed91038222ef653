// Applies and undoes the migrations in migrations/ with the same bookkeeping as sequelize-cli (SequelizeMeta).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Sequelize, QueryTypes } from 'sequelize';
import { migrationsDir } from '../paths.js';

interface MigrationModule {
  up(queryInterface: unknown, sequelize: typeof Sequelize): Promise<void>;
  down(queryInterface: unknown, sequelize: typeof Sequelize): Promise<void>;
}

// One lock id for every process: two processes starting at once must not both migrate.
const MIGRATION_LOCK = 7_406_118_001;

function migrationFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{14}-.+\.(js|cjs)$/.test(name))
    .sort();
}

async function applied(sequelize: Sequelize): Promise<Set<string>> {
  await sequelize.query('CREATE TABLE IF NOT EXISTS "SequelizeMeta" (name varchar(255) NOT NULL PRIMARY KEY)');
  const rows = await sequelize.query<{ name: string }>('SELECT name FROM "SequelizeMeta"', { type: QueryTypes.SELECT });
  return new Set(rows.map((row) => row.name));
}

async function load(dir: string, name: string): Promise<MigrationModule> {
  return (await import(pathToFileURL(path.join(dir, name)).href)) as MigrationModule;
}

async function withLock<T>(sequelize: Sequelize, work: () => Promise<T>): Promise<T> {
  // An advisory lock is held by a connection: do the whole work inside one transaction's connection.
  return sequelize.transaction(async (transaction) => {
    await sequelize.query('SELECT pg_advisory_xact_lock(:id)', { replacements: { id: MIGRATION_LOCK }, transaction });
    return work();
  });
}

/** The applied migrations, read without the lock; undefined when that cannot be read (no table yet). */
async function appliedUnlocked(sequelize: Sequelize): Promise<Set<string> | undefined> {
  try {
    const rows = await sequelize.query<{ name: string }>('SELECT name FROM "SequelizeMeta"', { type: QueryTypes.SELECT });
    return new Set(rows.map((row) => row.name));
  } catch {
    return undefined;
  }
}

/** Applies every pending migration in order; returns the names applied. */
export async function migrateUp(sequelize: Sequelize, dir = migrationsDir): Promise<string[]> {
  // the common start (every file applied) is one query: no transaction, lock or connection of its own. Applied
  // migrations are never undone by another process while one starts, so a complete list read unlocked stays complete.
  const files = migrationFiles(dir);
  const done = await appliedUnlocked(sequelize);
  if (done && files.every((name) => done.has(name))) return [];
  return withLock(sequelize, async () => {
    const done = await applied(sequelize);
    const pending = files.filter((name) => !done.has(name));
    for (const name of pending) {
      const migration = await load(dir, name);
      await migration.up(sequelize.getQueryInterface(), Sequelize);
      await sequelize.query('INSERT INTO "SequelizeMeta" (name) VALUES (:name)', { replacements: { name } });
    }
    return pending;
  });
}

/** Undoes every applied migration, newest first; returns the names undone. */
export async function migrateDownAll(sequelize: Sequelize, dir = migrationsDir): Promise<string[]> {
  return withLock(sequelize, async () => {
    const done = await applied(sequelize);
    const toUndo = migrationFiles(dir).filter((name) => done.has(name)).reverse();
    for (const name of toUndo) {
      const migration = await load(dir, name);
      await migration.down(sequelize.getQueryInterface(), Sequelize);
      await sequelize.query('DELETE FROM "SequelizeMeta" WHERE name = :name', { replacements: { name } });
    }
    return toUndo;
  });
}
