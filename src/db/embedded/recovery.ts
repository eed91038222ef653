// What an earlier process left in the data folder: an orphaned server to stop, or a live owner to share with.
import fs from 'node:fs';
import path from 'node:path';
import { isAlive, isPostgresProcess, waitForExit } from './liveness.js';

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

/** The file naming the process that owns the running server, beside its data folder (root may write it). */
export function ownerFile(pgData: string): string {
  return `${pgData}.owner`;
}

/** The running server of this data folder, when a live process other than this one owns it. */
export function serverOwnedByOther(pgData: string): { port: number } | undefined {
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
