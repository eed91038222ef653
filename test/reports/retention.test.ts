// Report retention: the delivery rows of runs that ended before DELIVERY_RETENTION_DAYS go, in batches; the
// attempts keep their figures; unfinished runs and recent ones keep everything. Real runs on the SMTP test server.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { mailingTo, testEngine, testTransport } from '../helpers/mailing-fixtures.js';
import { useTestApp } from '../helpers/app.js';
import { AdminClient, loggedIn } from '../helpers/admin-client.js';
import { buildWorld } from '../admin/world.js';
import { runMailing, openAttempt } from '../../src/sending/run-mailing.js';
import { pruneDeliveries } from '../../src/reports/retention.js';
import type { MailTransport } from '../../src/mail/transport.js';
import type { Database } from '../../src/db/database.js';
import { testMailingServices } from '../helpers/mailing-services.js';
import { until } from '../helpers/run-checks.js';

const DAY_MS = 24 * 3600_000;

async function deliveryCount(db: Database, attemptId: number): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries WHERE attempt_id = $1', {
    bind: [attemptId],
    type: QueryTypes.SELECT,
  });
  return row!.n;
}

async function figures(db: Database, attemptId: number) {
  const [row] = await db.sequelize.query<Record<string, unknown>>(
    'SELECT status, recipients_count, sent_count, failed_count, server_response FROM attempts WHERE id = $1',
    { bind: [attemptId], type: QueryTypes.SELECT },
  );
  return row!;
}

async function endedDaysAgo(db: Database, attemptId: number, days: number): Promise<void> {
  await db.sequelize.query('UPDATE attempts SET finished_at = now() - ($2 || \' days\')::interval WHERE id = $1', { bind: [attemptId, String(days)] });
}

describe('report retention', function () {
  this.timeout(30_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;

  before(async () => {
    smtp = await sharedSmtpTestServer();
    transport = testTransport(smtp.url);
  });
  after(() => transport.close());
  afterEach(() => smtp.reset());

  /** A real run of a mailing to n clients, the second one refused (a failure with its server answer). */
  async function runOf(n: number): Promise<number> {
    const { mailing, emails } = await mailingTo(db(), n, { startAt: new Date(Date.now() - 3_600_000) });
    smtp.refuseRecipient(emails[1]!, 550, '5.1.1 Unknown mailbox');
    const outcome = await runMailing(testEngine(db(), transport), mailing.id, { scheduledFor: new Date(), trigger: 'cli' });
    expect(outcome.kind).to.equal('done');
    return outcome.attemptId!;
  }

  it('when runs ended before the retention, then only their deliveries are deleted, in batches of the given size, and their attempts keep their figures', async () => {
    const old = await runOf(12);
    const recent = await runOf(4);
    await endedDaysAgo(db(), old, 181);
    await endedDaysAgo(db(), recent, 179);
    const before = await figures(db(), old);
    expect(before).to.include({ status: 'failure', recipients_count: 12, sent_count: 11, failed_count: 1 });
    expect(before.server_response).to.contain('5.1.1 Unknown mailbox');

    const done = await pruneDeliveries(db().sequelize, { days: 180, batchSize: 5, pauseMs: 1 });

    // 12 rows by 5: two full batches and one of 2
    expect(done).to.include({ attempts: 1, deliveries: 12, batches: 3 });
    expect(await deliveryCount(db(), old)).to.equal(0);
    expect(await deliveryCount(db(), recent)).to.equal(4);
    expect(await figures(db(), old)).to.deep.equal(before);
    const [marked] = await db().sequelize.query<{ details_pruned_at: Date | null }>('SELECT details_pruned_at FROM attempts WHERE id = $1', {
      bind: [old],
      type: QueryTypes.SELECT,
    });
    expect(marked!.details_pruned_at).to.be.instanceOf(Date);
    // a second pass finds nothing left to do
    expect(await pruneDeliveries(db().sequelize, { days: 180, batchSize: 5, pauseMs: 1 })).to.include({ attempts: 0, deliveries: 0, batches: 0 });
  });

  it('when a run is unfinished, then its deliveries are kept however long ago it started', async () => {
    const { mailing } = await mailingTo(db(), 3, { startAt: new Date(Date.now() - 400 * DAY_MS) });
    const opened = await openAttempt(db().sequelize, mailing.id, { scheduledFor: new Date(Date.now() - 400 * DAY_MS), trigger: 'schedule' });
    await db().sequelize.query(
      `INSERT INTO deliveries (attempt_id, client_id, email) SELECT $1, c.id, c.email FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id WHERE mc.mailing_id = $2`,
      { bind: [opened.id, mailing.id] },
    );
    await db().sequelize.query("UPDATE attempts SET attempted_at = now() - interval '400 days' WHERE id = $1", { bind: [opened.id] });

    const done = await pruneDeliveries(db().sequelize, { days: 180, batchSize: 2, pauseMs: 1 });

    expect(done).to.include({ attempts: 0, deliveries: 0 });
    expect(await deliveryCount(db(), opened.id)).to.equal(3);
    expect((await figures(db(), opened.id)).status).to.equal('running');
  });

  it('when two schedulers start, then the store holds one daily job at 03:30, and when it comes due it prunes the old deliveries', async () => {
    const old = await runOf(3);
    await endedDaysAgo(db(), old, 200);
    const prune = () => pruneDeliveries(db().sequelize, { days: 180, pauseMs: 1 });
    const first = testMailingServices(db(), transport, { scheduler: { prune } });
    const second = testMailingServices(db(), transport, { scheduler: { prune } });
    try {
      await first.scheduler.start(first.planner);
      await second.scheduler.start(second.planner);
      const jobs = await db().sequelize.query<{ repeat_interval: string; next_run_at: Date }>(
        "SELECT repeat_interval, next_run_at FROM agenda_jobs WHERE name = 'prune-deliveries'",
        { type: QueryTypes.SELECT },
      );
      expect(jobs).to.have.length(1);
      expect(jobs[0]!.repeat_interval).to.equal('30 3 * * *');
      expect(jobs[0]!.next_run_at.toISOString()).to.match(/T03:30:00\.000Z$/);
      expect(jobs[0]!.next_run_at.getTime()).to.be.within(Date.now(), Date.now() + DAY_MS);
      expect(await deliveryCount(db(), old)).to.equal(3);

      // the clock is not ours to move: the job is made due, as it is at 03:30
      await db().sequelize.query("UPDATE agenda_jobs SET next_run_at = now() WHERE name = 'prune-deliveries'");
      await until(async () => (await deliveryCount(db(), old)) === 0, 8000, 'the daily job pruned the old run');
    } finally {
      await first.close();
      await second.close();
    }
  });

  describe('in the back office', () => {
    const app = useTestApp(db);

    async function showNote(client: AdminClient, attemptId: number): Promise<string> {
      const response = await client.get(`/admin/api/resources/attempts/records/${attemptId}/show`);
      expect(response.status).to.equal(200);
      return String(response.body.record.params.deliveryDetails);
    }

    it("when a run's details were pruned, then its page says how long details are kept and when this run's were removed, in English and Russian", async () => {
      const world = await buildWorld(db());
      const attemptId = world.owned.user.attempt;
      const user = await loggedIn(app().url, 'user@example.test');
      const today = new Date().toISOString().slice(0, 10);
      expect(await showNote(user, attemptId)).to.match(/^Delivery details are kept for 180 days; this run's are kept until \d{4}-\d\d-\d\d\.$/);

      await endedDaysAgo(db(), attemptId, 200);
      await pruneDeliveries(db().sequelize, { days: 180, pauseMs: 1 });

      expect(await showNote(user, attemptId)).to.equal(
        `Delivery details are kept for 180 days; this run's were removed on ${today}. The counts and the server response above remain.`,
      );
      const russian = new AdminClient(app().url, { 'accept-language': 'ru' });
      await russian.login('user@example.test');
      expect(await showNote(russian, attemptId)).to.equal(
        `Подробности доставки хранятся 180 дн.; у этого запуска они удалены ${today}. Счётчики и ответ сервера выше сохранены.`,
      );
    });
  });
});
