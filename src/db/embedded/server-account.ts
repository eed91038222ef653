// The OS account the embedded server runs as (PostgreSQL refuses root), and whether it can reach a folder.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError } from '../../errors.js';

export interface Account {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` account, created when missing. */
export function serverAccount(): Account | undefined {
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

/** Whether the account the server runs as can reach `target` (always true when not running as root). */
export function isReachableByServer(target: string): boolean {
  try {
    checkReachable(target, process.getuid?.() === 0 ? serverAccount() : undefined);
    return true;
  } catch {
    return false;
  }
}
