// Chooses and builds Agenda's job store: the service's PostgreSQL by default, MongoDB when MONGODB_URL is set.
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import type { AgendaBackend } from 'agenda';

export type JobStoreChoice = { kind: 'postgres'; url: string } | { kind: 'mongodb'; url: string };

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
  const backend = new PostgresBackend({ pool });
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
