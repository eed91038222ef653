// The embedded cluster's files and databases: initdb on first use, the service's database created when missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DatabaseError } from '../../errors.js';
import type { Binaries } from './binaries.js';
import type { Account } from './server-account.js';

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

/** Creates the cluster in pgData (an interrupted earlier initdb is cleared first); a failed initdb leaves no folder. */
export async function initialise(bin: Binaries, pgData: string, user: string, password: string, account: Account | undefined): Promise<void> {
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

/** Creates `database` in the cluster when it is missing. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
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
