// Opens the service's database: the external DATABASE_URL, or the embedded PostgreSQL under DATA_DIR.
import crypto from 'node:crypto';
import path from 'node:path';
import type { Sequelize } from 'sequelize';
import type { Config } from '../config.js';
import { isReachableByServer, startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';
import { createSequelize, type SequelizeOptions } from './sequelize.js';
import { migrateUp } from './migrator.js';
import { initModels, type Models } from '../models/index.js';

export const EMBEDDED_DATABASE = 'mailing';

/** Where the embedded PostgreSQL of this configuration listens; tools (sequelize-cli) connect there too. */
export function embeddedDatabaseUrl(config: Pick<Config, 'embeddedPostgresPort'>, database = EMBEDDED_DATABASE): string {
  return `postgres://postgres:postgres@127.0.0.1:${config.embeddedPostgresPort}/${database}`;
}

/** The database URL the service and the operator's tools use for this configuration. */
export function databaseUrlFor(config: Pick<Config, 'databaseUrl' | 'embeddedPostgresPort'>): string {
  return config.databaseUrl ?? embeddedDatabaseUrl(config);
}

/**
 * The embedded cluster's folder: DATA_DIR/postgres. Only when DATA_DIR was left at its default and the project sits
 * where the server's account cannot enter (a clone under /root), it moves to /var/lib/mailing-service/<project>,
 * so `npm start` still works there; an explicit DATA_DIR is never second-guessed (the start fails and says why).
 */
export function embeddedDataDir(config: Pick<Config, 'dataDir' | 'dataDirIsDefault'>, log?: (line: string) => void): string {
  const wanted = path.join(config.dataDir, 'postgres');
  if (!config.dataDirIsDefault || isReachableByServer(wanted)) return wanted;
  const project = crypto.createHash('sha256').update(config.dataDir).digest('hex').slice(0, 12);
  const moved = path.join('/var/lib/mailing-service', project, 'postgres');
  log?.(`embedded PostgreSQL: its account cannot reach ${wanted}; keeping the database in ${moved} (set DATA_DIR to choose)`);
  return moved;
}

export interface Database {
  readonly url: string;
  readonly sequelize: Sequelize;
  readonly models: Models;
  /** The embedded server, when this process started one. */
  readonly embedded: RunningPostgres | undefined;
  /** Closes the connections, then stops the embedded server if this process started it. */
  close(): Promise<void>;
}

export interface OpenOptions extends SequelizeOptions {
  log?: (line: string) => void;
  /** Apply pending migrations after connecting (default true). */
  migrate?: boolean;
  /**
   * Bind the models to this connection (default true). Models are process-wide classes bound to one instance:
   * a second connection in the same process (a test of this function) passes false and gets no models.
   */
  bindModels?: boolean;
}

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'embeddedPostgresPort' | 'dataDir'> & Partial<Pick<Config, 'dataDirIsDefault'>>,
  options: OpenOptions = {},
): Promise<Database> {
  let embedded: RunningPostgres | undefined;
  if (config.databaseUrl === undefined) {
    embedded = await startEmbeddedPostgres({
      dataDir: embeddedDataDir({ dataDir: config.dataDir, dataDirIsDefault: config.dataDirIsDefault ?? false }, options.log),
      port: config.embeddedPostgresPort,
      database: EMBEDDED_DATABASE,
      log: options.log,
    });
  }
  const url = embedded?.url ?? databaseUrlFor(config);
  const sequelize = createSequelize(url, options);
  try {
    await sequelize.authenticate();
    if (options.migrate !== false) {
      const applied = await migrateUp(sequelize);
      if (applied.length > 0) options.log?.(`database: applied ${applied.length} migration(s)`);
    }
  } catch (error) {
    await sequelize.close().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
  const models = options.bindModels === false ? undefined : initModels(sequelize);
  return {
    url,
    sequelize,
    get models(): Models {
      if (!models) throw new Error('openDatabase(): this connection was opened without models (bindModels: false)');
      return models;
    },
    embedded,
    async close() {
      await sequelize.close();
      await embedded?.stop();
    },
  };
}
