// Chooses and builds Agenda's job store: the service's PostgreSQL by default, MongoDB when MONGODB_URL is set.
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import type { AgendaBackend } from 'agenda';

export type JobStoreChoice = { kind: 'postgres'; url: string } | { kind: 'mongodb'; url: string };

/**
 * Key of the PostgreSQL advisory lock held while Agenda's backend sets up its schema ('agenda' in ASCII). The
 * backend's set-up (CREATE OR REPLACE FUNCTION, DROP and CREATE TRIGGER) is not safe to run twice at once: two
 * workers starting together on one database failed with "tuple concurrently updated". Under the lock the first
 * creates the schema and the others find it in place.
 */
export const SCHEMA_LOCK_KEY = 0x6167656e6461;

export interface JobStore {
  backend: AgendaBackend;
  /** Disconnects Agenda's backend and closes what this module opened. */
  close(): Promise<void>;
}

/** Pure: which store this configuration uses (unit-tested; no MongoDB server can run here). */
export function chooseJobStore(config: { mongodbUrl: string | undefined }, databaseUrl: string): JobStoreChoice {
  return config.mongodbUrl ? { kind: 'mongodb', url: config.mongodbUrl } : { kind: 'postgres', url: databaseUrl };
}

export async function createJobStoreBackend(choice: JobStoreChoice, onError: (error: Error) => void = () => undefined): Promise<JobStore> {
  if (choice.kind === 'mongodb') {
    const { MongoBackend } = await import('@agendajs/mongo-backend');
    const backend = new MongoBackend({ address: choice.url, collection: 'agendaJobs', options: { serverSelectionTimeoutMS: 10_000 } });
    return { backend, close: () => backend.disconnect() };
  }
  const { PostgresBackend } = await import('@agendajs/postgres-backend');
  // our own pool, because the backend's has no 'error' listener: a database restart would otherwise emit an
  // unhandled 'error' from an idle connection and take the whole process down (seen in a smoke test)
  const pool = new pg.Pool({ connectionString: choice.url, max: 5 });
  pool.on('error', onError);

  /** Connects once, under the schema lock; Agenda's own connect() then finds it done. */
  class LockedPostgresBackend extends PostgresBackend {
    #connected: Promise<void> | undefined;
    override connect(): Promise<void> {
      this.#connected ??= underSchemaLock(pool, () => super.connect()).catch((error: unknown) => {
        this.#connected = undefined;
        throw error;
      });
      return this.#connected;
    }
    override async disconnect(): Promise<void> {
      this.#connected = undefined;
      await super.disconnect();
    }
  }
  const backend = new LockedPostgresBackend({ pool });
  // connected here rather than by Agenda's constructor, which drops a failed connect (its `ready` never settles):
  // a failure is an error for the caller
  try {
    await backend.connect();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  // the LISTEN channel re-emits its connection's errors on itself before reconnecting; with no listener that
  // 'error' is thrown, the process dies and the reconnect never happens
  (backend.notificationChannel as unknown as EventEmitter | undefined)?.on('error', onError);
  return {
    backend,
    async close() {
      await backend.disconnect().catch(() => undefined);
      await pool.end();
    },
  };
}

/** Runs work while holding the schema lock on a connection of its own from the pool (other processes wait). */
async function underSchemaLock<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let reusable = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
      reusable = true;
    }
  } finally {
    // a connection that failed mid-way is discarded; its session's end frees the lock
    client.release(!reusable);
  }
}
