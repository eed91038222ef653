// The run's snapshot (src/sending/snapshot.ts) against the real database: one delivery per recipient, written once
// even when it is asked twice or twice at the same moment, and the schema it writes into (one index per client's
// deliveries, used when a client is deleted).
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { openAttempt } from '../../src/sending/run-mailing.js';
import { snapshotRecipients } from '../../src/sending/snapshot.js';
import { useTestDatabase } from '../helpers/database.js';
import { mailingTo } from '../helpers/mailing-fixtures.js';

describe('the snapshot of a run\'s recipients', () => {
  const db = useTestDatabase();

  async function deliveries(attemptId: number): Promise<Array<{ client_id: number | null; n: number }>> {
    return db().sequelize.query<{ client_id: number | null; n: number }>(
      'SELECT client_id, count(*)::int AS n FROM deliveries WHERE attempt_id = $1 GROUP BY client_id ORDER BY client_id',
      { bind: [attemptId], type: QueryTypes.SELECT },
    );
  }

  it('when the snapshot of a run is taken a second time, then it writes nothing more and returns the first count', async () => {
    const { mailing } = await mailingTo(db(), 30);
    const attempt = await openAttempt(db().sequelize, mailing.id, { scheduledFor: new Date(), trigger: 'manual' });
    expect(await snapshotRecipients(db().sequelize, attempt.id, mailing.id)).to.equal(30);
    // a client added since: a run keeps its first snapshot
    await db().sequelize.query(
      "INSERT INTO clients (owner_id, email) VALUES ($1, 'late@example.test')", { bind: [mailing.ownerId] },
    );
    await db().sequelize.query('INSERT INTO mailing_clients (mailing_id, client_id) SELECT $1, id FROM clients WHERE email = $2', { bind: [mailing.id, 'late@example.test'] });
    expect(await snapshotRecipients(db().sequelize, attempt.id, mailing.id)).to.equal(30);
    const rows = await deliveries(attempt.id);
    expect(rows).to.have.length(30);
    expect(rows.every((row) => row.n === 1)).to.equal(true);
    const [{ recipients }] = await db().sequelize.query<{ recipients: number }>('SELECT recipients_count AS recipients FROM attempts WHERE id = $1', { bind: [attempt.id], type: QueryTypes.SELECT });
    expect(recipients).to.equal(30);
  });

  it('when two snapshots of the same run start at the same moment, then each client has one delivery and both return the full count', async () => {
    const { mailing } = await mailingTo(db(), 2_000);
    const attempt = await openAttempt(db().sequelize, mailing.id, { scheduledFor: new Date(), trigger: 'manual' });
    const counts = await Promise.all([
      snapshotRecipients(db().sequelize, attempt.id, mailing.id),
      snapshotRecipients(db().sequelize, attempt.id, mailing.id),
    ]);
    expect(counts).to.deep.equal([2_000, 2_000]);
    const rows = await deliveries(attempt.id);
    expect(rows).to.have.length(2_000);
    expect(rows.filter((row) => row.n !== 1)).to.deep.equal([]);
  });

  it('when a client with deliveries is deleted, then its deliveries stay with no client, found through the (client_id, attempt_id) index', async () => {
    const { mailing } = await mailingTo(db(), 3);
    const attempt = await openAttempt(db().sequelize, mailing.id, { scheduledFor: new Date(), trigger: 'manual' });
    await snapshotRecipients(db().sequelize, attempt.id, mailing.id);
    const [gone] = await db().sequelize.query<{ id: number }>('SELECT client_id AS id FROM deliveries WHERE attempt_id = $1 ORDER BY id LIMIT 1', { bind: [attempt.id], type: QueryTypes.SELECT });
    await db().sequelize.query('DELETE FROM clients WHERE id = $1', { bind: [gone!.id] });
    const rows = await deliveries(attempt.id);
    expect(rows).to.have.length(3);
    expect(rows.filter((row) => row.client_id === null)).to.deep.equal([{ client_id: null, n: 1 }]);
    // what ON DELETE SET NULL looks up: a client's deliveries, by the unique index that leads with client_id
    const plan = await db().sequelize.transaction(async (transaction) => {
      await db().sequelize.query('SET LOCAL enable_seqscan = off', { transaction });
      return db().sequelize.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT 1 FROM deliveries WHERE client_id = 1', { type: QueryTypes.SELECT, transaction });
    });
    expect(plan.map((line) => line['QUERY PLAN']).join('\n')).to.include('deliveries_one_per_client');
  });
});
