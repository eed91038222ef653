import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMailingRow, createMessage, createUser } from '../helpers/factories.js';

/** Runs raw SQL and returns the database's error, so the constraint itself (not model validation) is tested. */
async function refusal(run: () => Promise<unknown>): Promise<{ message: string; constraint?: string }> {
  try {
    await run();
  } catch (error) {
    const original = (error as { original?: { message: string; constraint?: string } }).original;
    return { message: original?.message ?? (error as Error).message, constraint: original?.constraint };
  }
  throw new Error('expected the database to refuse the row');
}

describe('the database schema', () => {
  const db = useTestDatabase();
  const sql = (query: string, replacements: Record<string, unknown> = {}) => db().sequelize.query(query, { replacements });

  describe('users', () => {
    it('when a second user has the same e-mail in another case, then it is refused', async () => {
      await createUser(db(), { email: 'Same@Example.com' });
      const error = await refusal(() => sql(`INSERT INTO users (email, password_hash) VALUES ('same@example.COM', 'x')`));
      expect(error.message).to.match(/duplicate key value violates unique constraint "users_email_unique"/);
    });

    it('when the e-mail is blank, then it is refused', async () => {
      const error = await refusal(() => sql(`INSERT INTO users (email, password_hash) VALUES ('  ', 'x')`));
      expect(error.constraint).to.equal('users_email_not_blank');
    });

    it('when a user is deleted, then their clients, messages and mailings go with them', async () => {
      const owner = await createUser(db());
      const client = await createClient(db(), owner);
      await createMailingRow(db(), owner, { clients: [client] });
      await sql('DELETE FROM users WHERE id = :id', { id: owner.id });
      const [counts] = await db().sequelize.query<{ clients: number; messages: number; mailings: number; links: number }>(
        `SELECT (SELECT count(*) FROM clients)::int AS clients, (SELECT count(*) FROM messages)::int AS messages,
                (SELECT count(*) FROM mailings)::int AS mailings, (SELECT count(*) FROM mailing_clients)::int AS links`,
        { type: QueryTypes.SELECT },
      );
      expect(counts).to.deep.equal({ clients: 0, messages: 0, mailings: 0, links: 0 });
    });
  });

  describe('clients', () => {
    it('when an owner adds the same e-mail twice (any case), then the second is refused', async () => {
      const owner = await createUser(db());
      await createClient(db(), owner, { email: 'dup@example.test' });
      const error = await refusal(() => sql(`INSERT INTO clients (owner_id, email) VALUES (:owner, 'DUP@example.test')`, { owner: owner.id }));
      expect(error.message).to.match(/clients_owner_email_unique/);
    });

    it('when two owners have the same client e-mail, then both are kept', async () => {
      const first = await createUser(db());
      const second = await createUser(db());
      await createClient(db(), first, { email: 'shared@example.test' });
      await createClient(db(), second, { email: 'shared@example.test' });
      const [row] = await db().sequelize.query<{ count: number }>(`SELECT count(*)::int AS count FROM clients WHERE email = 'shared@example.test'`, {
        type: QueryTypes.SELECT,
      });
      expect(row!.count).to.equal(2);
    });

    it('when the owner does not exist, then the client is refused', async () => {
      const error = await refusal(() => sql(`INSERT INTO clients (owner_id, email) VALUES (999999, 'a@example.test')`));
      expect(error.message).to.match(/violates foreign key constraint/);
    });
  });

  describe('mailings', () => {
    async function insertMailing(values: Partial<Record<'start' | 'end' | 'periodicity' | 'status', string>>) {
      const owner = await createUser(db());
      const message = await createMessage(db(), owner);
      return sql(
        `INSERT INTO mailings (owner_id, message_id, start_at, end_at, periodicity, status)
         VALUES (:owner, :message, :start, :end, :periodicity, :status)`,
        {
          owner: owner.id,
          message: message.id,
          start: values.start ?? '2030-01-01T09:00:00Z',
          end: values.end ?? '2030-02-01T09:00:00Z',
          periodicity: values.periodicity ?? 'daily',
          status: values.status ?? 'created',
        },
      );
    }

    it('when the end is not after the start, then the mailing is refused', async () => {
      const error = await refusal(() => insertMailing({ start: '2030-01-01T09:00:00Z', end: '2030-01-01T09:00:00Z' }));
      expect(error.constraint).to.equal('mailings_end_after_start');
    });

    it('when the periodicity is unknown, then the mailing is refused', async () => {
      const error = await refusal(() => insertMailing({ periodicity: 'hourly' }));
      expect(error.constraint).to.equal('mailings_periodicity_valid');
    });

    it('when the status is unknown, then the mailing is refused', async () => {
      const error = await refusal(() => insertMailing({ status: 'paused' }));
      expect(error.constraint).to.equal('mailings_status_valid');
    });

    it('when its message is deleted while the mailing uses it, then the delete is refused', async () => {
      const owner = await createUser(db());
      const mailing = await createMailingRow(db(), owner);
      const error = await refusal(() => sql('DELETE FROM messages WHERE id = :id', { id: mailing.messageId }));
      expect(error.message).to.match(/violates foreign key constraint/);
    });

    it('when the model is given an end before the start, then validation says so before the database', async () => {
      const owner = await createUser(db());
      const message = await createMessage(db(), owner);
      const error = await db()
        .models.Mailing.create({ ownerId: owner.id, messageId: message.id, startAt: new Date('2030-01-02'), endAt: new Date('2030-01-01'), periodicity: 'daily' })
        .catch((e: Error) => e);
      expect((error as Error).message).to.contain('The end must be after the start');
    });
  });

  describe('attempts and deliveries', () => {
    async function mailingWithClient() {
      const owner = await createUser(db());
      const client = await createClient(db(), owner);
      const mailing = await createMailingRow(db(), owner, { clients: [client] });
      return { mailing, client };
    }

    /** A mailing with one finished attempt that sent its one client the mail. */
    async function sentDelivery() {
      const { mailing, client } = await mailingWithClient();
      const [[attempt]] = (await sql(`INSERT INTO attempts (mailing_id, scheduled_for, trigger, status) VALUES (:id, now(), 'cli', 'success') RETURNING id`, {
        id: mailing.id,
      })) as [Array<{ id: number }>, unknown];
      await sql(`INSERT INTO deliveries (attempt_id, client_id, email, status) VALUES (:attempt, :client, :email, 'sent')`, {
        attempt: attempt!.id,
        client: client.id,
        email: client.email,
      });
      return { mailing, client };
    }

    it('when a second attempt is made for the same scheduled run, then it is refused', async () => {
      const { mailing } = await mailingWithClient();
      const insert = () => sql(`INSERT INTO attempts (mailing_id, scheduled_for, trigger) VALUES (:id, '2030-01-01T09:00:00Z', 'schedule')`, { id: mailing.id });
      await insert();
      const error = await refusal(insert);
      expect(error.constraint).to.equal('attempts_one_per_run');
    });

    it('when an attempt has an unknown trigger or status, then it is refused', async () => {
      const { mailing } = await mailingWithClient();
      const trigger = await refusal(() => sql(`INSERT INTO attempts (mailing_id, scheduled_for, trigger) VALUES (:id, now(), 'cron')`, { id: mailing.id }));
      expect(trigger.constraint).to.equal('attempts_trigger_valid');
      const status = await refusal(() =>
        sql(`INSERT INTO attempts (mailing_id, scheduled_for, trigger, status) VALUES (:id, now(), 'cli', 'maybe')`, { id: mailing.id }),
      );
      expect(status.constraint).to.equal('attempts_status_valid');
    });

    it('when counts exceed the recipients, then the attempt is refused', async () => {
      const { mailing } = await mailingWithClient();
      const error = await refusal(() =>
        sql(`INSERT INTO attempts (mailing_id, scheduled_for, trigger, recipients_count, sent_count) VALUES (:id, now(), 'cli', 1, 2)`, { id: mailing.id }),
      );
      expect(error.constraint).to.equal('attempts_counts_add_up');
    });

    it('when a client gets a second delivery in the same attempt, then it is refused', async () => {
      const { mailing, client } = await mailingWithClient();
      const [[attempt]] = (await sql(`INSERT INTO attempts (mailing_id, scheduled_for, trigger) VALUES (:id, now(), 'cli') RETURNING id`, {
        id: mailing.id,
      })) as [Array<{ id: number }>, unknown];
      const insert = () =>
        sql(`INSERT INTO deliveries (attempt_id, client_id, email) VALUES (:attempt, :client, 'x@example.test')`, { attempt: attempt!.id, client: client.id });
      await insert();
      const error = await refusal(insert);
      expect(error.constraint).to.equal('deliveries_one_per_client');
    });

    it('when a mailing already has an unfinished attempt, then a second unfinished one is refused, a finished one is not', async () => {
      const { mailing } = await mailingWithClient();
      const insert = (at: string, status: string) =>
        sql(`INSERT INTO attempts (mailing_id, scheduled_for, trigger, status) VALUES (:id, :at, 'manual', :status)`, { id: mailing.id, at, status });
      await insert('2030-01-01T09:00:00Z', 'running');
      const error = await refusal(() => insert('2030-01-02T09:00:00Z', 'running'));
      expect(error.constraint).to.equal('attempts_one_unfinished_per_mailing');
      await insert('2030-01-03T09:00:00Z', 'success');
      await insert('2030-01-04T09:00:00Z', 'cancelled');
    });

    // issue 12 changed the label on purpose: it was "Mailing #id: subject" while mailings had no name
    it("when an attempt is inserted with its mailing only, then its owner and the mailing's name as its label are filled in", async () => {
      const owner = await createUser(db());
      const message = await createMessage(db(), owner, { subject: 'Spring offers' });
      const mailing = await createMailingRow(db(), owner, { message, name: 'Spring campaign' });
      await sql(`INSERT INTO attempts (mailing_id, scheduled_for, trigger) VALUES (:id, now(), 'cli')`, { id: mailing.id });
      const [row] = await db().sequelize.query<{ owner_id: number; mailing_label: string }>('SELECT owner_id, mailing_label FROM attempts', { type: QueryTypes.SELECT });
      expect(row).to.deep.equal({ owner_id: owner.id, mailing_label: 'Spring campaign' });
    });

    it("when a mailing is inserted without a name, then it is named after its message's subject; a blank name is refused", async () => {
      const owner = await createUser(db());
      const message = await createMessage(db(), owner, { subject: 'Spring offers' });
      const mailing = await createMailingRow(db(), owner, { message });
      expect((await mailing.reload()).name).to.equal('Spring offers');
      const error = await refusal(() => sql('UPDATE mailings SET name = :name WHERE id = :id', { name: '  ', id: mailing.id }));
      expect(error.constraint).to.equal('mailings_name_not_blank');
    });

    // issue 8 changed this on purpose: attempts.mailing_id was ON DELETE CASCADE (the reports went with the mailing)
    it('when a mailing is deleted, then its attempts and deliveries stay, with mailing_id NULL and owner and label kept', async () => {
      const { mailing } = await sentDelivery();
      await sql('DELETE FROM mailings WHERE id = :id', { id: mailing.id });
      const rows = await db().sequelize.query<{ mailing_id: number | null; owner_id: number; mailing_label: string; deliveries: number }>(
        'SELECT mailing_id, owner_id, mailing_label, (SELECT count(*) FROM deliveries)::int AS deliveries FROM attempts',
        { type: QueryTypes.SELECT },
      );
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ mailing_id: null, owner_id: mailing.ownerId, deliveries: 1 });
      expect(rows[0]!.mailing_label).to.equal((await db().models.Message.findByPk(mailing.messageId))!.subject);
    });

    it('when the owner is deleted, then the attempts and deliveries of their mailings go with them', async () => {
      const { mailing } = await sentDelivery();
      await sql('DELETE FROM users WHERE id = :id', { id: mailing.ownerId });
      const [counts] = await db().sequelize.query<{ attempts: number; deliveries: number }>(
        'SELECT (SELECT count(*) FROM attempts)::int AS attempts, (SELECT count(*) FROM deliveries)::int AS deliveries',
        { type: QueryTypes.SELECT },
      );
      expect(counts).to.deep.equal({ attempts: 0, deliveries: 0 });
    });

    it('when a delivery has an unknown status, then it is refused; `cancelled` is accepted', async () => {
      const { mailing, client } = await mailingWithClient();
      const [[attempt]] = (await sql(`INSERT INTO attempts (mailing_id, scheduled_for, trigger) VALUES (:id, now(), 'cli') RETURNING id`, {
        id: mailing.id,
      })) as [Array<{ id: number }>, unknown];
      const insert = (status: string) =>
        sql(`INSERT INTO deliveries (attempt_id, client_id, email, status) VALUES (:attempt, :client, 'x@example.test', :status)`, {
          attempt: attempt!.id,
          client: client.id,
          status,
        });
      const error = await refusal(() => insert('lost'));
      expect(error.constraint).to.equal('deliveries_status_valid');
      await insert('cancelled');
    });

    it('when a client is deleted, then its past deliveries stay with the e-mail they were sent to', async () => {
      const { client } = await sentDelivery();
      await sql('DELETE FROM clients WHERE id = :id', { id: client.id });
      const rows = await db().sequelize.query<{ client_id: number | null; email: string }>('SELECT client_id, email FROM deliveries', { type: QueryTypes.SELECT });
      expect(rows).to.deep.equal([{ client_id: null, email: client.email }]);
    });
  });

  describe('blog posts and groups', () => {
    it('when a post has a negative view count, then it is refused', async () => {
      const error = await refusal(() => sql(`INSERT INTO blog_posts (title, content, views_count) VALUES ('t', 'c', -1)`));
      expect(error.constraint).to.equal('blog_posts_views_count_valid');
    });

    it('when two groups differ only in case, then the second is refused', async () => {
      await sql(`INSERT INTO groups (name) VALUES ('Editors')`);
      const error = await refusal(() => sql(`INSERT INTO groups (name) VALUES ('editors')`));
      expect(error.message).to.match(/groups_name_unique/);
    });
  });
});
