// The connection settings sequelize-cli uses (see sequelize.config.js): the service's own database.
import { getConfig } from '../config.js';
import { databaseUrlFor, embeddedDatabaseUrl, embeddedDataDir } from './database.js';
import { checkOwnServer } from './embedded-postgres.js';

/**
 * With DATABASE_URL unset the tools reach the embedded PostgreSQL of a running service; a server of another checkout
 * on that port is refused (naming EMBEDDED_POSTGRES_PORT) rather than migrated or seeded.
 */
export async function cliConnection(): Promise<{ url: string; dialect: 'postgres'; logging: false }> {
  const config = getConfig();
  if (config.databaseUrl === undefined) {
    await checkOwnServer(embeddedDatabaseUrl(config, 'postgres'), config.embeddedPostgresPort, embeddedDataDir(config));
  }
  return { url: databaseUrlFor(config), dialect: 'postgres', logging: false };
}
