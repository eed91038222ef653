// Waiting for the embedded server: the one this process spawned, or the one another live process runs.
import type { ChildProcess } from 'node:child_process';
import { DatabaseError } from '../../errors.js';
import { askServer, lostThePort, portTaken, sameFolder } from './identity.js';
import { stopChild } from './liveness.js';

/**
 * Waits until the server started as `child` accepts connections, and makes sure the one answering is ours: while
 * our child is still starting (and about to fail on a busy port), another cluster listening there would answer.
 */
export async function waitUntilReady(child: ChildProcess, url: string, port: number, pgData: string, output: () => string, timeoutMs: number): Promise<void> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  const answer = await askServer(url, timeoutMs, () => exited);
  if ('stopped' in answer) {
    if (lostThePort(output())) throw portTaken(port, pgData, undefined);
    throw new DatabaseError(`The embedded PostgreSQL ${answer.stopped} while starting:\n${output().trim() || '(no output)'}`);
  }
  if ('timedOut' in answer) {
    child.kill('SIGKILL');
    throw new DatabaseError(`The embedded PostgreSQL did not accept connections within ${timeoutMs / 1000} s:\n${output().trim() || '(no output)'}`);
  }
  if (!sameFolder(answer.dataDirectory, pgData)) {
    await stopChild(child);
    throw portTaken(port, pgData, answer.dataDirectory);
  }
}

/**
 * Waits until the server another process runs for this data folder answers. Its port comes from our own
 * postmaster.pid, but the server answering there must still be ours.
 */
export async function waitForSharedServer(url: string, port: number, pgData: string, timeoutMs: number): Promise<void> {
  const answer = await askServer(url, timeoutMs);
  if (!('dataDirectory' in answer)) {
    const why = 'timedOut' in answer ? answer.timedOut : answer.stopped;
    throw new DatabaseError(`The embedded PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} does not answer: ${why}`);
  }
  if (!sameFolder(answer.dataDirectory, pgData)) throw portTaken(port, pgData, answer.dataDirectory);
}
