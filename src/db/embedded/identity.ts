// Is the server answering on our port the one of our data folder? (Two checkouts on one machine share a port.)
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { DatabaseError } from '../../errors.js';

/** Same folder, whatever the spelling (a symlink, a trailing slash). */
export function sameFolder(a: string, b: string): boolean {
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
export function portTaken(port: number, pgData: string, theirs: string | undefined): DatabaseError {
  const whose = theirs === undefined ? 'another server' : `another PostgreSQL, whose data folder is ${theirs}`;
  return new DatabaseError(
    `Port ${port} of the embedded PostgreSQL is already used by ${whose}, not by this service's database (${pgData}). ` +
      'Set EMBEDDED_POSTGRES_PORT to a free port for this checkout (or stop that server).',
  );
}

export type Answer =
  /** A server answered; this is its data folder. */
  | { dataDirectory: string }
  /** `stop()` gave this reason to give up before anything answered. */
  | { stopped: string }
  /** Nothing answered in time; the last connection error. */
  | { timedOut: string };

/**
 * Asks the server at url for its data folder, every 100 ms until one answers, `stop()` names a reason to give up,
 * or timeoutMs have passed (0: one try). The one loop behind every wait for the embedded server.
 */
export async function askServer(url: string, timeoutMs: number, stop: () => string | undefined = () => undefined): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = stop();
    if (reason !== undefined) return { stopped: reason };
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    let lastError: string;
    try {
      await client.connect();
      return { dataDirectory: await dataDirectoryOf(client) };
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    if (Date.now() >= deadline) return { timedOut: lastError };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * True when the server at url is the one of pgData; false when none answers there (or it refuses our login, so it
 * cannot be ours either: the caller decides); throws portTaken() when another cluster answers.
 */
export async function checkOwnServer(url: string, port: number, pgData: string): Promise<boolean> {
  const answer = await askServer(url, 0);
  if (!('dataDirectory' in answer)) return false;
  if (!sameFolder(answer.dataDirectory, pgData)) throw portTaken(port, pgData, answer.dataDirectory);
  return true;
}

/** The server failed because something else listens on its port (PostgreSQL's own words, LC_MESSAGES=C). */
export function lostThePort(output: string): boolean {
  return /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(output);
}
