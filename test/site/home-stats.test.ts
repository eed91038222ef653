// The landing page's figures, computed by the domain function straight from the database.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMailingRow, createUser } from '../helpers/factories.js';
import { homeStats } from '../../src/site/home-stats.js';

describe('home statistics', function () {
  const db = useTestDatabase();

  it('when there is nothing, then every figure is zero', async function () {
    expect(await homeStats(db().models)).to.deep.equal({ totalMailings: 0, activeMailings: 0, uniqueClients: 0 });
  });

  it('when mailings are created, running, disabled and completed, then only running and enabled ones are active', async function () {
    const owner = await createUser(db());
    await createMailingRow(db(), owner, { status: 'created' });
    await createMailingRow(db(), owner, { status: 'running' });
    await createMailingRow(db(), owner, { status: 'running' });
    const disabled = await createMailingRow(db(), owner, { status: 'running' });
    await disabled.update({ disabledAt: new Date(), disabledById: owner.id });
    await createMailingRow(db(), owner, { status: 'completed' });

    const stats = await homeStats(db().models);

    expect(stats.totalMailings).to.equal(5);
    expect(stats.activeMailings).to.equal(2);
  });

  it('when several owners have the same address in mailings, then it counts once, whatever its case; clients in no mailing do not count', async function () {
    const ada = await createUser(db());
    const bob = await createUser(db());
    const a1 = await createClient(db(), ada, { email: 'Kim@Example.test' });
    const a2 = await createClient(db(), ada, { email: 'lee@example.test' });
    const b1 = await createClient(db(), bob, { email: 'kim@example.test' });
    await createClient(db(), bob, { email: 'idle@example.test' });
    await createMailingRow(db(), ada, { clients: [a1, a2] });
    await createMailingRow(db(), ada, { clients: [a1] });
    await createMailingRow(db(), bob, { clients: [b1] });

    expect((await homeStats(db().models)).uniqueClients).to.equal(2);
  });
});
