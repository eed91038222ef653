// A throwaway real PostgreSQL for tests (embedded, or TEST_DATABASE_URL), migrated once, emptied before each test.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres.js';
import { onShutdown } from './shared-services.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let server: Promise<{ adminUrl: string; baseUrl: (database: string) => string }> | undefined;

/** The PostgreSQL server the tests use: TEST_DATABASE_URL's, or an embedded one started once for this run. */
export function testServer(): Promise<{ adminUrl: string; baseUrl: (database: string) => string }> {
  server ??= (async () => {
    const external = process.env.TEST_DATABASE_URL;
    if (external) {
      return {
        adminUrl: external,
        baseUrl: (database: string) => Object.assign(new URL(external), { pathname: `/${database}` }).href,
      };
    }
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailing-test-pg-'));
    fs.chmodSync(dataDir, 0o755);
    const running: RunningPostgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'data'), port: await freePort(), database: 'postgres' });
    onShutdown(async () => {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const base = running.url.replace(/\/postgres$/, '');
    return { adminUrl: running.url, baseUrl: (database: string) => `${base}/${database}` };
  })();
  return server;
}

/** Creates an empty database on the test server and returns its URL (dropped at the end of the run). */
export async function createScratchDatabase(prefix = 'scratch'): Promise<string> {
  const { adminUrl, baseUrl } = await testServer();
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  await client.end();
  onShutdown(async () => {
    const dropper = new pg.Client({ connectionString: adminUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${dropper.escapeIdentifier(name)} WITH (FORCE)`);
    await dropper.end();
  });
  return baseUrl(name);
}

let shared: Promise<Database> | undefined;

/** The migrated database every test file shares (models are bound to it). */
export function testDatabase(): Promise<Database> {
  shared ??= (async () => {
    const url = await createScratchDatabase('mailing_test');
    const db = await openDatabase({ databaseUrl: url, embeddedPostgresPort: 0, dataDir: os.tmpdir() });
    onShutdown(() => db.close());
    return db;
  })();
  return shared;
}

const TABLES = ['test_sends', 'client_import_refusals', 'client_imports', 'mailing_tags', 'client_tags', 'tags', 'deliveries', 'attempts', 'mailing_clients', 'mailings', 'messages', 'clients', 'blog_posts', 'account_tokens', 'sessions', 'user_groups', 'groups', 'users'];

/** Empties every table of the service (the schema and the migrations' bookkeeping stay). */
export async function truncateAll(db: Database): Promise<void> {
  const extra = await db.sequelize.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'agenda%'`,
    { type: 'SELECT' as never },
  );
  await db.sequelize.query(`TRUNCATE ${[...TABLES, ...extra.map((t) => t.name)].join(', ')} RESTART IDENTITY CASCADE`);
}

/**
 * Use in a describe block: starts (once) the shared database and empties it before each test.
 * Returns a getter for the database, valid inside hooks and tests.
 */
export function useTestDatabase(): () => Database {
  let db: Database | undefined;
  before(async function () {
    this.timeout(120_000);
    db = await testDatabase();
  });
  beforeEach(async () => {
    await truncateAll(db!);
  });
  return () => {
    if (!db) throw new Error('useTestDatabase(): the database is ready only inside hooks and tests');
    return db;
  };
}
