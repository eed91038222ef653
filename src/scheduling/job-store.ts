// Chooses and builds Agenda's job store: the service's PostgreSQL by default, MongoDB when MONGODB_URL is set.
import type { AgendaBackend } from 'agenda';

export type JobStoreChoice = { kind: 'postgres'; url: string } | { kind: 'mongodb'; url: string };

/** Pure: which store this configuration uses (unit-tested; no MongoDB server can run here). */
export function chooseJobStore(config: { mongodbUrl: string | undefined }, databaseUrl: string): JobStoreChoice {
  return config.mongodbUrl ? { kind: 'mongodb', url: config.mongodbUrl } : { kind: 'postgres', url: databaseUrl };
}

export async function createJobStoreBackend(choice: JobStoreChoice): Promise<AgendaBackend> {
  if (choice.kind === 'mongodb') {
    const { MongoBackend } = await import('@agendajs/mongo-backend');
    return new MongoBackend({ address: choice.url, collection: 'agendaJobs', options: { serverSelectionTimeoutMS: 10_000 } });
  }
  const { PostgresBackend } = await import('@agendajs/postgres-backend');
  return new PostgresBackend({ connectionString: choice.url });
}
