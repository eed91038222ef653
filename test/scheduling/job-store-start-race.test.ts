// Workers starting at the same moment: Agenda's PostgreSQL schema is set up once (fresh database) or found in place
// (later starts), and no worker fails or hangs. Without the schema lock the first failed with a duplicate pg_type
// key, the second with "tuple concurrently updated" (its trigger function replaced twice at once).
import { expect } from 'chai';
import pg from 'pg';
import { createScratchDatabase } from '../helpers/database.js';
import { silentLogger } from '../../src/log.js';
import { createScheduler, type Scheduler } from '../../src/scheduling/scheduler.js';

describe('job store start-up under concurrency', function () {
  this.timeout(90_000);
  const ROUNDS = 3;
  const WORKERS = 3;

  function withinSeconds<T>(seconds: number, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not connected within ${seconds} s`)), seconds * 1000);
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  }

  async function catalogue(url: string): Promise<{ tables: string[]; triggers: number; functions: number }> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
      const triggers = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'agenda_jobs_updated_at_trigger'`);
      const functions = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'update_agenda_jobs_updated_at'`);
      return { tables: tables.rows.map((row) => row.name), triggers: triggers.rows[0]!.n, functions: functions.rows[0]!.n };
    } finally {
      await client.end();
    }
  }

  /** Connects WORKERS schedulers at once, has each write a job, and checks the schema; stops them. */
  async function startTogether(url: string, label: string): Promise<void> {
    const schedulers: Scheduler[] = Array.from({ length: WORKERS }, (_, i) =>
      createScheduler({ store: { kind: 'postgres', url }, log: silentLogger, name: `${label}-${i}` }),
    );
    try {
      // a failed set-up used to leave Agenda's `ready` unsettled: a connect that hangs counts as a failure
      const results = await Promise.allSettled(schedulers.map((scheduler) => withinSeconds(15, scheduler.connect())));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
      expect(failures, label).to.deep.equal([]);
      // each one works: a job written by each is seen by all
      await Promise.all(schedulers.map((scheduler, i) => scheduler.jobs.schedule(i + 1, new Date(Date.now() + 3_600_000))));
      for (const scheduler of schedulers) {
        expect((await scheduler.jobs.list()).map((job) => job.mailingId).sort(), label).to.deep.equal([1, 2, 3]);
      }
      const found = await catalogue(url);
      expect(found.tables.filter((name) => name === 'agenda_jobs'), label).to.have.length(1);
      expect(found.triggers, `${label}: the updated_at trigger`).to.equal(1);
      expect(found.functions, `${label}: the trigger's function`).to.equal(1);
    } finally {
      await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
    }
  }

  it(`when ${WORKERS} schedulers connect at the same moment to a fresh database, and again once its schema exists (${ROUNDS} rounds), then all connect and the job table, its trigger and its function exist once`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const url = await createScratchDatabase('agenda_race');
      await startTogether(url, `round ${round}, fresh database`);
      await startTogether(url, `round ${round}, schema in place`);
    }
  });
});
