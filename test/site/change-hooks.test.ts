// Every write through the models to mailings, clients, their links and posts is announced to the cache.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMailingRow, createUser } from '../helpers/factories.js';
import { installChangeHooks } from '../../src/site/change-hooks.js';
import { onDataChanged, type ChangedEntity } from '../../src/events.js';

describe('change hooks', function () {
  const db = useTestDatabase();
  let seen: ChangedEntity[];
  let stop: () => void;

  beforeEach(() => {
    installChangeHooks(db().models);
    installChangeHooks(db().models); // installing twice must not announce twice
    seen = [];
    stop = onDataChanged((entity) => seen.push(entity));
  });

  afterEach(() => stop());

  it('when rows are created, updated and destroyed one by one or in bulk, then each write is announced once', async function () {
    const owner = await createUser(db());
    const client = await createClient(db(), owner);
    const { BlogPost, Client, Mailing } = db().models;
    seen.length = 0;

    await Client.update({ comment: 'x' }, { where: { id: client.id } });
    const mailing = await createMailingRow(db(), owner, { clients: [client] });
    await Mailing.destroy({ where: { id: mailing.id } });
    await BlogPost.bulkCreate([{ title: 'a', content: 'b' }]);
    await BlogPost.upsert({ id: 1, title: 'c', content: 'd' });

    expect(seen.filter((e) => e === 'client')).to.have.lengthOf(1);
    expect(seen.filter((e) => e === 'mailing'), 'create, link, bulk destroy').to.have.lengthOf(3);
    expect(seen.filter((e) => e === 'blogPost'), 'bulk create, upsert').to.have.lengthOf(2);
  });

  it('when a write happens inside a transaction, then it is announced again after the commit', async function () {
    const owner = await createUser(db());
    seen.length = 0;

    await db().sequelize.transaction(async (transaction) => {
      await db().models.Client.create({ ownerId: owner.id, email: 'tx@example.test' }, { transaction });
      expect(seen).to.deep.equal(['client']);
    });

    expect(seen).to.deep.equal(['client', 'client']);
  });
});
