// The record page's details of mailings (src/reports/mailing-details.ts) and the deliveries-of-a-mailing filter.
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMailingRow, createMessage, createUser } from '../helpers/factories.js';
import { mailingDetails } from '../../src/reports/mailing-details.js';
import { deliveriesOfMailing } from '../../src/reports/deliveries.js';

describe('mailing details for the record page', function () {
  const db = useTestDatabase();

  /** The database, counting the statements sent through it. */
  function counting(): { sequelize: Sequelize; count(): number } {
    let count = 0;
    const sequelize = db().sequelize;
    const proxy = { query: (...args: Parameters<Sequelize['query']>) => ((count += 1), sequelize.query(...args)) } as unknown as Sequelize;
    return { sequelize: proxy, count: () => count };
  }

  async function attempt(mailingId: number, minutesAgo: number, fields: Record<string, unknown> = {}) {
    const at = new Date(Date.now() - minutesAgo * 60_000);
    return db().models.Attempt.create({ mailingId, scheduledFor: at, attemptedAt: at, trigger: 'schedule', ...fields } as never);
  }

  it('when a page of mailings is detailed, then one statement gives each its subject, recipient ids, count, first recipients by address and newest attempts', async () => {
    const owner = await createUser(db());
    const clients = [
      await createClient(db(), owner, { email: 'zoe@example.test', fullName: 'Zoe' }),
      await createClient(db(), owner, { email: 'adam@example.test' }),
      await createClient(db(), owner, { email: 'mia@example.test', fullName: 'Mia' }),
    ];
    const first = await createMailingRow(db(), owner, { message: await createMessage(db(), owner, { subject: 'Spring news' }), clients });
    const second = await createMailingRow(db(), owner, { clients: [clients[0]!] });
    for (let i = 0; i < 7; i += 1) await attempt(first.id, 70 - i * 10, { status: 'success', sentCount: i, recipientsCount: 10 });
    await attempt(second.id, 5, { status: 'failure', serverResponse: '451 try later' });
    const db$ = counting();

    const details = await mailingDetails(db$.sequelize, [first.id, second.id, 999_999], { previewed: 2 });

    expect(db$.count(), 'statements for the whole page').to.equal(1);
    expect([...details.keys()].sort()).to.deep.equal([first.id, second.id].sort());
    const one = details.get(first.id)!;
    expect(one.messageSubject).to.equal('Spring news');
    expect(one.clientIds).to.deep.equal(clients.map((c) => c.id).sort((a, b) => a - b));
    expect(one.recipients.count).to.equal(3);
    expect(one.recipients.first.map((r) => r.email), 'first two by address').to.deep.equal(['adam@example.test', 'mia@example.test']);
    expect(one.latestAttempts.map((a) => a.sentCount), 'the five newest, newest first').to.deep.equal([6, 5, 4, 3, 2]);
    expect(one.latestAttempts[0]!.attemptedAt).to.be.instanceOf(Date);
    expect(details.get(second.id)!.latestAttempts).to.have.length(1);
    expect(details.get(second.id)!.latestAttempts[0]).to.include({ status: 'failure', serverResponse: '451 try later' });
  });

  it('when no ids are given, then nothing is asked of the database', async () => {
    const db$ = counting();

    expect((await mailingDetails(db$.sequelize, [])).size).to.equal(0);
    expect(db$.count()).to.equal(0);
  });

  it("when deliveries are filtered by a mailing, then only that mailing's are found, and a value that is no id finds none", async () => {
    const owner = await createUser(db());
    const client = await createClient(db(), owner);
    const mine = await createMailingRow(db(), owner, { clients: [client] });
    const other = await createMailingRow(db(), owner, { clients: [client] });
    for (const mailing of [mine, other]) {
      const run = await attempt(mailing.id, 1);
      await db().models.Delivery.create({ attemptId: run.id, clientId: client.id, email: client.email } as never);
    }
    const { Delivery } = db().models;

    const found = await Delivery.findAll({ where: deliveriesOfMailing(String(mine.id)), include: [] });
    expect(found).to.have.length(1);
    expect((await db().models.Attempt.findByPk(found[0]!.attemptId))!.mailingId).to.equal(mine.id);
    for (const bad of ['abc', '0', '-3', '1.5', '99999999999', "1); DROP TABLE deliveries; --"]) {
      expect(await Delivery.count({ where: deliveriesOfMailing(bad) }), bad).to.equal(0);
    }
  });
});
