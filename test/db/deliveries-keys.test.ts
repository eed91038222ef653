// The keys of `deliveries` (migration 20261127100000): attempt_id and client_id are enforced by triggers that check
// a statement's rows at once instead of declared foreign keys that check each row. These tests hold them to what the
// declared keys guaranteed: a row for a missing parent is refused with the key's error, deleting an attempt deletes
// its deliveries, deleting a client keeps its deliveries with client_id NULL, and, with two real connections, a
// delete racing an insert never leaves a delivery pointing at a missing client or attempt.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { migrateUp } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { projectRoot } from '../../src/paths.js';
import { openAttempt } from '../../src/sending/run-mailing.js';
import { snapshotRecipients } from '../../src/sending/snapshot.js';
import { createScratchDatabase, useTestDatabase } from '../helpers/database.js';
import { mailingTo } from '../helpers/mailing-fixtures.js';
import { until } from '../helpers/run-checks.js';

interface Refusal {
  message: string;
  code?: string;
  constraint?: string;
  detail?: string;
}

async function refusal(run: () => Promise<unknown>): Promise<Refusal> {
  try {
    await run();
  } catch (error) {
    const original = (error as { original?: Refusal }).original;
    return original ? { message: original.message, code: original.code, constraint: original.constraint, detail: original.detail } : { message: (error as Error).message };
  }
  throw new Error('expected the database to refuse the statement');
}

describe("the keys of deliveries (attempt and client), enforced per statement", () => {
  const db = useTestDatabase();
  const query = <T extends object>(sql: string, bind: unknown[] = [], transaction?: Transaction) =>
    db().sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT, transaction });

  /** A mailing to n clients with an opened attempt; the clients' ids in order. */
  async function run(n: number) {
    const { mailing } = await mailingTo(db(), n);
    const attempt = await openAttempt(db().sequelize, mailing.id, { scheduledFor: new Date(), trigger: 'manual' });
    const clients = (await query<{ id: number }>('SELECT id FROM clients WHERE owner_id = $1 ORDER BY id', [mailing.ownerId])).map((row) => row.id);
    return { mailing, attemptId: attempt.id, clients };
  }

  /** Deliveries whose attempt or (non-null) client does not exist: must always be none. */
  async function dangling(): Promise<number> {
    const [row] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries d
       WHERE NOT EXISTS (SELECT 1 FROM attempts a WHERE a.id = d.attempt_id)
          OR (d.client_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = d.client_id))`,
    );
    return row!.n;
  }

  /** Whether a statement starting with `prefix` is waiting for a lock on another connection. */
  async function waitingForLock(prefix: string): Promise<boolean> {
    const rows = await query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND state = 'active' AND query LIKE $1",
      [`${prefix}%`],
    );
    return rows[0]!.n > 0;
  }

  it('when a delivery names an attempt that does not exist, then the insert is refused with the key violation naming the attempt', async () => {
    const { clients } = await run(1);
    const error = await refusal(() => query('INSERT INTO deliveries (attempt_id, client_id, email) VALUES (999999, $1, $2)', [clients[0], 'a@example.test']));
    expect(error.code).to.equal('23503');
    expect(error.constraint).to.equal('deliveries_attempt_id_fkey');
    expect(error.message).to.equal('insert or update on table "deliveries" violates foreign key constraint "deliveries_attempt_id_fkey"');
    expect(error.detail).to.equal('Key (attempt_id)=(999999) is not present in table "attempts".');
  });

  it('when one row of a 500-row insert names a client that does not exist, then the whole insert is refused, naming that client, and no row is written', async () => {
    const { attemptId, clients } = await run(499);
    const error = await refusal(() =>
      query(
        `INSERT INTO deliveries (attempt_id, client_id, email)
         SELECT $1, id, 'x' || id || '@example.test' FROM unnest($2::int[]) AS id`,
        [attemptId, [...clients, 888888]],
      ),
    );
    expect(error.code).to.equal('23503');
    expect(error.constraint).to.equal('deliveries_client_id_fkey');
    expect(error.message).to.equal('insert or update on table "deliveries" violates foreign key constraint "deliveries_client_id_fkey"');
    expect(error.detail).to.equal('Key (client_id)=(888888) is not present in table "clients".');
    expect(await query('SELECT 1 FROM deliveries')).to.deep.equal([]);
  });

  it('when deliveries have no client or name existing clients, then they are written, a client named by two attempts twice', async () => {
    const first = await run(3);
    const second = await run(1);
    await query(
      `INSERT INTO deliveries (attempt_id, client_id, email)
       SELECT a, c, 'x@example.test' FROM unnest($1::int[]) AS a, unnest($2::int[]) AS c
       UNION ALL SELECT $3::int, NULL, 'gone@example.test'`,
      [[first.attemptId, second.attemptId], first.clients, first.attemptId],
    );
    const [{ n }] = await query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries');
    expect(n).to.equal(7);
  });

  it('when a delivery is moved to a missing client or attempt, then the update is refused; to an existing client, it is accepted', async () => {
    const { attemptId, clients } = await run(2);
    await query("INSERT INTO deliveries (attempt_id, client_id, email) VALUES ($1, $2, 'a@example.test')", [attemptId, clients[0]]);
    const toClient = await refusal(() => query('UPDATE deliveries SET client_id = 777777'));
    expect(toClient.code).to.equal('23503');
    expect(toClient.detail).to.equal('Key (client_id)=(777777) is not present in table "clients".');
    const toAttempt = await refusal(() => query('UPDATE deliveries SET attempt_id = 777777'));
    expect(toAttempt.detail).to.equal('Key (attempt_id)=(777777) is not present in table "attempts".');
    await query('UPDATE deliveries SET client_id = $1', [clients[1]]);
    expect(await query('SELECT client_id FROM deliveries')).to.deep.equal([{ client_id: clients[1] }]);
  });

  it('when an attempt is deleted, then its deliveries and their tries go with it and another attempt\'s stay', async () => {
    const first = await run(3);
    await snapshotRecipients(db().sequelize, first.attemptId, first.mailing.id);
    const other = await run(2);
    await snapshotRecipients(db().sequelize, other.attemptId, other.mailing.id);
    await query("INSERT INTO delivery_tries (delivery_id, try, status) SELECT id, 1, 'failed' FROM deliveries WHERE attempt_id = $1", [first.attemptId]);
    await query('DELETE FROM attempts WHERE id = $1', [first.attemptId]);
    const rows = await query<{ attempt_id: number; n: number }>('SELECT attempt_id, count(*)::int AS n FROM deliveries GROUP BY attempt_id');
    expect(rows).to.deep.equal([{ attempt_id: other.attemptId, n: 2 }]);
    expect(await query('SELECT 1 FROM delivery_tries')).to.deep.equal([]);
  });

  it('when several clients are deleted in one statement, then each of their deliveries stays with client_id NULL and the others keep theirs', async () => {
    const { attemptId, mailing, clients } = await run(5);
    await snapshotRecipients(db().sequelize, attemptId, mailing.id);
    await query('DELETE FROM clients WHERE id = ANY ($1::int[])', [clients.slice(0, 3)]);
    const rows = await query<{ client_id: number | null; email: string }>('SELECT client_id, email FROM deliveries ORDER BY id');
    expect(rows.map((row) => row.client_id)).to.deep.equal([null, null, null, clients[3], clients[4]]);
    expect(rows.every((row) => row.email.endsWith('@example.test'))).to.equal(true);
  });

  it('when the owner of clients and runs is deleted, then the runs\' deliveries go with the runs and nothing dangles', async () => {
    const { attemptId, mailing } = await run(4);
    await snapshotRecipients(db().sequelize, attemptId, mailing.id);
    await query('DELETE FROM users WHERE id = $1', [mailing.ownerId]);
    expect(await query('SELECT 1 FROM deliveries')).to.deep.equal([]);
    expect(await dangling()).to.equal(0);
  });

  it('when the id of a client or an attempt with deliveries is changed, then it is refused; of a client without deliveries, it is allowed', async () => {
    const { attemptId, mailing } = await run(0);
    // clients of no mailing (mailing_clients' own key would refuse the change first)
    const [used, loose] = await query<{ id: number }>(
      "INSERT INTO clients (owner_id, email) VALUES ($1, 'used@example.test'), ($1, 'loose@example.test') RETURNING id",
      [mailing.ownerId],
    );
    await query("INSERT INTO deliveries (attempt_id, client_id, email) VALUES ($1, $2, 'used@example.test')", [attemptId, used!.id]);
    const client = await refusal(() => query('UPDATE clients SET id = 666666 WHERE id = $1', [used!.id]));
    expect(client.code).to.equal('23503');
    expect(client.message).to.equal('update or delete on table "clients" violates foreign key constraint "deliveries_client_id_fkey" on table "deliveries"');
    expect(client.detail).to.equal(`Key (id)=(${used!.id}) is still referenced from table "deliveries".`);
    const attempt = await refusal(() => query('UPDATE attempts SET id = 666666 WHERE id = $1', [attemptId]));
    expect(attempt.constraint).to.equal('deliveries_attempt_id_fkey');
    await query('UPDATE clients SET id = 666666 WHERE id = $1', [loose!.id]);
    expect(await query('SELECT email FROM clients WHERE id = 666666')).to.deep.equal([{ email: 'loose@example.test' }]);
    expect(await dangling()).to.equal(0);
  });

  it('when clients or attempts are truncated while deliveries point at them, then it is refused; truncated with the deliveries, it is done', async () => {
    const { attemptId, mailing } = await run(2);
    await snapshotRecipients(db().sequelize, attemptId, mailing.id);
    const clients = await refusal(() => db().sequelize.query('TRUNCATE clients CASCADE'));
    expect(clients.message).to.equal('cannot truncate table "clients": deliveries still reference it (constraint "deliveries_client_id_fkey")');
    const attempts = await refusal(() => db().sequelize.query('TRUNCATE attempts'));
    expect(attempts.message).to.equal('cannot truncate table "attempts": deliveries still reference it (constraint "deliveries_attempt_id_fkey")');
    expect(await query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries')).to.deep.equal([{ n: 2 }]);
    await db().sequelize.query('TRUNCATE clients, attempts, deliveries CASCADE');
    expect(await query('SELECT 1 FROM clients')).to.deep.equal([]);
  });

  it('when a client or an attempt with deliveries is deleted in a REPEATABLE READ transaction, then it is refused, naming READ COMMITTED, and nothing changes', async () => {
    const { attemptId, mailing, clients } = await run(2);
    await snapshotRecipients(db().sequelize, attemptId, mailing.id);
    for (const [sql, id] of [['DELETE FROM clients WHERE id = $1', clients[0]], ['DELETE FROM attempts WHERE id = $1', attemptId]] as const) {
      const error = await refusal(() =>
        db().sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ }, (transaction) => query(sql, [id], transaction)),
      );
      expect(error.code).to.equal('0A000');
      expect(error.message).to.match(/^deleting or changing the ids of (clients|attempts) needs a READ COMMITTED transaction \(this one is REPEATABLE READ\)$/);
    }
    // a delete that finds nothing is no risk: it goes through
    await db().sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ }, (transaction) => query('DELETE FROM clients WHERE id = 0', [], transaction));
    const rows = await query<{ client_id: number | null }>('SELECT client_id FROM deliveries WHERE attempt_id = $1 ORDER BY id', [attemptId]);
    expect(rows).to.deep.equal([{ client_id: clients[0] }, { client_id: clients[1] }]);
  });

  describe('with two connections', () => {
    const open: Transaction[] = [];
    const begin = async (): Promise<Transaction> => {
      const transaction = await db().sequelize.transaction();
      open.push(transaction);
      return transaction;
    };
    afterEach(async () => {
      // a failed test leaves its transactions open: end them so the next test's TRUNCATE is not blocked
      await Promise.all(open.splice(0).map((t) => t.rollback().catch(() => undefined)));
    });

    /** What the run's snapshot writes (src/sending/snapshot.ts), left uncommitted in `transaction`. */
    const snapshotIn = (transaction: Transaction, attemptId: number, ownerId: number) =>
      query(
        `INSERT INTO deliveries (attempt_id, client_id, email) SELECT $1, c.id, c.email FROM clients c WHERE c.owner_id = $2 ORDER BY c.id`,
        [attemptId, ownerId],
        transaction,
      );

    it('when a client is deleted while a snapshot including it is not yet committed, then the delete waits for it and then leaves the delivery with client_id NULL', async () => {
      const { attemptId, mailing, clients } = await run(50);
      const snapshot = await begin();
      await snapshotIn(snapshot, attemptId, mailing.ownerId);
      const deleter = await begin();
      let deleted = false;
      const deleting = query('DELETE FROM clients WHERE id = $1', [clients[7]], deleter).then(() => (deleted = true));
      await until(() => waitingForLock('DELETE FROM clients'), 5_000, 'the delete to wait for the snapshot');
      expect(deleted, 'the delete waits while the snapshot is open').to.equal(false);
      await snapshot.commit();
      await deleting;
      await deleter.commit();
      const rows = await query<{ client_id: number | null }>('SELECT client_id FROM deliveries WHERE attempt_id = $1 ORDER BY id', [attemptId]);
      expect(rows).to.have.length(50);
      expect(rows[7]).to.deep.equal({ client_id: null });
      expect(rows.filter((row) => row.client_id === null)).to.have.length(1);
      expect(await dangling()).to.equal(0);
    });

    it('when a snapshot names a client whose delete is not yet committed, then the snapshot waits for it and is refused once the delete commits, writing nothing', async () => {
      const { attemptId, mailing, clients } = await run(50);
      const deleter = await begin();
      await query('DELETE FROM clients WHERE id = $1', [clients[20]], deleter);
      const snapshot = await begin();
      // the snapshot reads the clients as they were committed: the one being deleted is still among them
      const writing = refusal(() => snapshotIn(snapshot, attemptId, mailing.ownerId));
      await until(() => waitingForLock('INSERT INTO deliveries'), 5_000, 'the snapshot to wait for the delete');
      await deleter.commit();
      const error = await writing;
      expect(error.code).to.equal('23503');
      expect(error.detail).to.equal(`Key (client_id)=(${clients[20]}) is not present in table "clients".`);
      await snapshot.rollback();
      expect(await query('SELECT 1 FROM deliveries')).to.deep.equal([]);
      expect(await dangling()).to.equal(0);
    });

    it('when a snapshot names a client whose delete is rolled back, then the snapshot waits for it and then writes every delivery', async () => {
      const { attemptId, mailing, clients } = await run(50);
      const deleter = await begin();
      await query('DELETE FROM clients WHERE id = $1', [clients[20]], deleter);
      const snapshot = await begin();
      const writing = snapshotIn(snapshot, attemptId, mailing.ownerId);
      await until(() => waitingForLock('INSERT INTO deliveries'), 5_000, 'the snapshot to wait for the delete');
      await deleter.rollback();
      await writing;
      await snapshot.commit();
      const [{ n }] = await query<{ n: number }>('SELECT count(client_id)::int AS n FROM deliveries WHERE attempt_id = $1', [attemptId]);
      expect(n).to.equal(50);
    });

    it('when an attempt is deleted while deliveries of it are not yet committed, then the delete waits for them and then deletes them', async () => {
      const { attemptId, mailing } = await run(10);
      const snapshot = await begin();
      await snapshotIn(snapshot, attemptId, mailing.ownerId);
      const deleter = await begin();
      const deleting = query('DELETE FROM attempts WHERE id = $1', [attemptId], deleter);
      await until(() => waitingForLock('DELETE FROM attempts'), 5_000, 'the delete to wait for the deliveries');
      await snapshot.commit();
      await deleting;
      await deleter.commit();
      expect(await query('SELECT 1 FROM deliveries')).to.deep.equal([]);
    });

    it('when the real snapshot runs while another connection deletes one of its clients, then the client is left out, or its delivery has client_id NULL, or the snapshot is refused: never a delivery pointing at a missing client', async () => {
      const { attemptId, mailing, clients } = await run(3_000);
      const deleted = clients[1_500]!;
      const [{ email }] = await query<{ email: string }>('SELECT email FROM clients WHERE id = $1', [deleted]);
      const [snapshot, deleting] = await Promise.allSettled([
        snapshotRecipients(db().sequelize, attemptId, mailing.id),
        new Promise((resolve) => setTimeout(resolve, 5)).then(() => query('DELETE FROM clients WHERE id = $1', [deleted])),
      ]);
      expect(deleting.status).to.equal('fulfilled');
      const rows = await query<{ client_id: number | null }>('SELECT client_id FROM deliveries WHERE attempt_id = $1 AND email = $2', [attemptId, email]);
      if (snapshot.status === 'fulfilled') {
        // taken before the delete (the delete waited, then set NULL) or after it (the client was no longer there)
        expect(snapshot.value).to.be.oneOf([2_999, 3_000]);
        expect(rows).to.deep.equal(snapshot.value === 3_000 ? [{ client_id: null }] : []);
      } else {
        expect((snapshot.reason as { original?: { code?: string } }).original?.code).to.equal('23503');
        expect(rows).to.deep.equal([]);
      }
      expect(await dangling()).to.equal(0);
    });
  });

  it('when its migration is undone, then the declared keys are back (and refuse a missing client), and done again, then the triggers are back', async () => {
    const sequelize = createSequelize(await createScratchDatabase('deliveries_keys'));
    const keysAndTriggers = async (on: Sequelize) => {
      const rows = await on.query<{ name: string }>(
        `SELECT conname AS name FROM pg_constraint WHERE conrelid = 'deliveries'::regclass AND contype = 'f' AND conname <> 'delivery_tries_delivery_id_fkey'
         UNION ALL SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'deliveries%' ORDER BY 1`,
        { type: QueryTypes.SELECT },
      );
      return rows.map((row) => row.name);
    };
    try {
      await migrateUp(sequelize);
      const migration = (await import(pathToFileURL(path.join(projectRoot, 'migrations/20261127100000-deliveries-keys-by-statement-triggers.js')).href)) as {
        up(queryInterface: unknown): Promise<void>;
        down(queryInterface: unknown): Promise<void>;
      };
      const triggers = [
        'deliveries_attempt_key_kept', 'deliveries_attempts_truncated', 'deliveries_client_key_kept', 'deliveries_clients_truncated',
        'deliveries_keys_inserted', 'deliveries_keys_updated', 'deliveries_of_deleted_attempts', 'deliveries_of_deleted_clients',
      ];
      expect(await keysAndTriggers(sequelize)).to.deep.equal(triggers);
      await migration.down(sequelize.getQueryInterface());
      expect(await keysAndTriggers(sequelize)).to.deep.equal(['deliveries_attempt_id_fkey', 'deliveries_client_id_fkey']);
      const error = await refusal(() =>
        sequelize.query("INSERT INTO deliveries (attempt_id, client_id, email) VALUES (1, 1, 'a@example.test')"),
      );
      expect(error.code).to.equal('23503');
      await migration.up(sequelize.getQueryInterface());
      expect(await keysAndTriggers(sequelize)).to.deep.equal(triggers);
    } finally {
      await sequelize.close();
    }
  });
});
