// The Sequelize instance on PostgreSQL: snake_case columns, camelCase attributes, UTC timestamps.
import { Sequelize, type Options } from 'sequelize';
import pg from 'pg';

// bigint counts (COUNT(*), bigserial ids) come back as numbers, not strings: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export interface SequelizeOptions {
  /** Called with every SQL statement; tests use it to count queries. */
  logging?: (sql: string) => void;
  poolMax?: number;
}

export function createSequelize(databaseUrl: string, options: SequelizeOptions = {}): Sequelize {
  const config: Options = {
    dialect: 'postgres',
    logging: options.logging ?? false,
    timezone: '+00:00',
    pool: { max: options.poolMax ?? 10, min: 0, idle: 10_000, acquire: 30_000 },
    define: { underscored: true, timestamps: true },
  };
  return new Sequelize(databaseUrl, config);
}
