import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { checkReachable, startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { embeddedDataDir, openDatabase } from '../../src/db/database.js';
import { DatabaseError } from '../../src/errors.js';
import { createScratchDatabase, freePort } from '../helpers/database.js';
import { runSequelizeCli } from '../helpers/sequelize-cli.js';

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailing-embedded-'));
  fs.chmodSync(dir, 0o755);
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Starts a child process that owns an embedded PostgreSQL in dataDir and waits until it wrote its marker row. */
async function startOwner(dataDir: string, port: number): Promise<ChildProcess> {
  const owner = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/embedded-owner.ts', dataDir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    owner.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('READY')) resolve();
    });
    owner.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    owner.on('exit', (code) => reject(new Error(`owner exited early (${code}): ${output}`)));
  });
  return owner;
}

/** The DatabaseError a start is refused with (a start that succeeds is stopped and fails the test). */
async function refusedStart(options: Parameters<typeof startEmbeddedPostgres>[0]): Promise<DatabaseError> {
  let started: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    started = await startEmbeddedPostgres(options);
  } catch (error) {
    expect(error).to.be.instanceOf(DatabaseError);
    return error as DatabaseError;
  }
  await started.stop();
  expect.fail(`the start in ${options.dataDir} was expected to be refused, but it connected to ${started.url}`);
}

async function kill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('the embedded PostgreSQL', () => {
  it('when its owner process is SIGKILLed, then the next start recovers the orphan and keeps the data', async function () {
    this.timeout(120_000);
    const dir = tempDir();
    const dataDir = path.join(dir, 'pg');
    const port = await freePort();
    await kill(await startOwner(dataDir, port));

    const orphan = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(isAlive(orphan), 'the killed owner left its server running').to.equal(true);

    const logs: string[] = [];
    const running = await startEmbeddedPostgres({ dataDir, port, database: 'crashy', log: (line) => logs.push(line) });
    try {
      expect(isAlive(orphan), 'the orphan was stopped').to.equal(false);
      expect(logs.join('\n')).to.contain('stopping an orphaned server');
      const rows = await query(running.url, 'SELECT note FROM marker');
      expect(rows.rows).to.deep.equal([{ note: 'written before the crash' }]);
    } finally {
      await running.stop();
    }
    expect(fs.existsSync(path.join(dataDir, 'postmaster.pid')), 'a clean stop removes the lock file').to.equal(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when another live process runs the server (npm start while the CLI runs), then it connects to it and leaves it running', async function () {
    this.timeout(120_000);
    const dir = tempDir();
    const dataDir = path.join(dir, 'pg');
    const owner = await startOwner(dataDir, await freePort());
    try {
      const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const visitor = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'crashy' });
      expect(visitor.shared).to.equal(true);
      expect((await query(visitor.url, 'SELECT note FROM marker')).rows).to.have.length(1);
      await visitor.stop();
      expect(isAlive(postmaster), "the owner's server still runs").to.equal(true);
    } finally {
      await kill(owner);
      const cleanup = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'crashy' });
      expect(cleanup.shared, 'a dead owner leaves an orphan, not a shared server').to.equal(false);
      await cleanup.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("when another checkout's embedded server holds the port, then the start is refused naming the port and EMBEDDED_POSTGRES_PORT, and that server is left alone", async function () {
    this.timeout(120_000);
    const dir = tempDir();
    const theirs = path.join(dir, 'first-clone', 'pg');
    const ours = path.join(dir, 'second-clone', 'pg');
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir: theirs, port, database: 'first' });
    try {
      const failure = await refusedStart({ dataDir: ours, port, database: 'second' });
      expect(failure.message).to.contain(`Port ${port} `).and.contain('EMBEDDED_POSTGRES_PORT').and.contain(theirs);
      const databases = await query(first.url, `SELECT datname FROM pg_database WHERE datname = 'second'`);
      expect(databases.rows, "nothing was created in the other checkout's cluster").to.deep.equal([]);
      expect(fs.existsSync(path.join(ours, 'postmaster.pid')), 'our refused server is stopped').to.equal(false);

      const moved = await startEmbeddedPostgres({ dataDir: ours, port: await freePort(), database: 'second' });
      try {
        expect((await query(moved.url, 'SHOW data_directory')).rows, 'another port, as the message says, works').to.deep.equal([{ data_directory: ours }]);
      } finally {
        await moved.stop();
      }
    } finally {
      await first.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a server that refuses our login holds the port, then the start is refused naming the port and EMBEDDED_POSTGRES_PORT', async function () {
    this.timeout(120_000);
    const dir = tempDir();
    const port = await freePort();
    const stranger = await startEmbeddedPostgres({ dataDir: path.join(dir, 'stranger'), port, database: 'stranger', password: 'not-the-default' });
    try {
      const failure = await refusedStart({ dataDir: path.join(dir, 'pg'), port, database: 'second' });
      expect(failure.message).to.contain(`Port ${port} `).and.contain('EMBEDDED_POSTGRES_PORT');
    } finally {
      await stranger.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("when another checkout's embedded server holds the port, then `npx sequelize db:migrate` refuses it instead of migrating it", async function () {
    this.timeout(120_000);
    const dir = tempDir();
    const port = await freePort();
    const theirs = await startEmbeddedPostgres({ dataDir: path.join(dir, 'first-clone', 'pg'), port, database: 'mailing' });
    try {
      const run = await runSequelizeCli(['db:migrate'], { DATABASE_URL: '', EMBEDDED_POSTGRES_PORT: String(port), DATA_DIR: path.join(dir, 'second-clone') });
      expect(run.code, run.output).to.not.equal(0);
      expect(run.output).to.contain(`Port ${port} `).and.contain('EMBEDDED_POSTGRES_PORT');
      const tables = await query(theirs.url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables.rows, "the other checkout's database was not migrated").to.deep.equal([]);
    } finally {
      await theirs.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a stale postmaster.pid names no running server, then it starts anyway', async function () {
    this.timeout(60_000);
    const dir = tempDir();
    const dataDir = path.join(dir, 'pg');
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port, database: 'stale' });
    await first.stop();
    // a lock file naming a pid that does not exist, as after a power cut
    fs.writeFileSync(path.join(dataDir, 'postmaster.pid'), `999999\n${dataDir}\n`);
    const second = await startEmbeddedPostgres({ dataDir, port, database: 'stale' });
    try {
      expect((await query(second.url, 'SELECT 1 AS ok')).rows).to.deep.equal([{ ok: 1 }]);
    } finally {
      await second.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a folder on the way is closed to the server account, then it says which one plainly', () => {
    const dir = tempDir();
    const closed = path.join(dir, 'closed');
    fs.mkdirSync(closed, { mode: 0o700 });
    fs.chmodSync(closed, 0o700);
    const stranger = { uid: 54_321, gid: 54_321 };
    const attempt = () => checkReachable(path.join(closed, 'data'), stranger);
    expect(attempt).to.throw(DatabaseError, new RegExp(`cannot enter ${closed} \\(mode 700\\)`));
    expect(attempt).to.throw(/set DATABASE_URL/);
    fs.chmodSync(closed, 0o755);
    expect(attempt).to.not.throw();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the default data folder is closed to the server account, then the database moves; an explicit DATA_DIR stays', function () {
    if (process.getuid?.() !== 0) this.skip(); // only root runs the server as another account
    const dir = tempDir();
    const closed = path.join(dir, 'project');
    fs.mkdirSync(closed, { mode: 0o700 });
    fs.chmodSync(closed, 0o700);
    const dataDir = path.join(closed, '.data');
    const lines: string[] = [];
    const moved = embeddedDataDir({ dataDir, dataDirIsDefault: true }, (line) => lines.push(line));
    expect(moved).to.match(/^\/var\/lib\/mailing-service\/[0-9a-f]{12}\/postgres$/);
    expect(lines.join()).to.contain(`cannot reach ${dataDir}/postgres`);
    expect(embeddedDataDir({ dataDir, dataDirIsDefault: false })).to.equal(path.join(dataDir, 'postgres'));
    fs.chmodSync(closed, 0o755);
    expect(embeddedDataDir({ dataDir, dataDirIsDefault: true }), 'a reachable default stays').to.equal(path.join(dataDir, 'postgres'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when DATABASE_URL is set, then nothing embedded starts', async () => {
    const dataDir = tempDir();
    const db = await openDatabase({ databaseUrl: await createScratchDatabase('external'), embeddedPostgresPort: 1, dataDir }, { bindModels: false });
    try {
      expect(db.embedded).to.equal(undefined);
      expect(fs.existsSync(path.join(dataDir, 'postgres'))).to.equal(false);
    } finally {
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
