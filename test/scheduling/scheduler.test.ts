// The real Agenda scheduler on PostgreSQL: a future mailing goes out at its start with nobody acting, across a restart.
import { expect } from 'chai';
import { loadActor } from '../../src/access/policy.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMessage, createUser } from '../helpers/factories.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { storedJobs, testTransport } from '../helpers/mailing-fixtures.js';
import { testMailingServices } from '../helpers/mailing-services.js';

describe('the scheduler', function () {
  this.timeout(20_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(() => {
    transport = testTransport(smtp.url);
  });
  afterEach(async () => {
    await transport.close();
    smtp.reset();
  });

  it('when a mailing starts while the service was restarted in between, then it is sent at the start with nobody acting', async () => {
    const owner = await createUser(db());
    const actor = (await loadActor(db().models, owner.id))!;
    const message = await createMessage(db(), owner);
    const client = await createClient(db(), owner);
    const startAt = new Date(Date.now() + 1500);

    // the web process creates it and stops (no scheduler of its own)
    const web = testMailingServices(db(), transport);
    const mailing = await web.mailings.create(actor, {
      name: 'Created by the web',
      messageId: message.id,
      clientIds: [client.id],
      startAt,
      endAt: new Date(startAt.getTime() + 7 * 86_400_000),
      periodicity: 'daily',
    });
    await web.close();
    expect(smtp.messages).to.have.length(0);

    // a worker comes up later and takes the persisted job
    const worker = testMailingServices(db(), transport);
    await worker.scheduler.start(worker.planner);
    try {
      const [mail] = await smtp.waitForMessages(1, 8000);
      expect(Date.now()).to.be.at.least(startAt.getTime());
      expect(mail!.envelopeTo).to.deep.equal([client.email]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await mailing.reload();
      expect(mailing.status).to.equal('running');
      expect(mailing.nextRunAt!.getTime()).to.equal(startAt.getTime() + 86_400_000);
      expect(await storedJobs(db())).to.deep.equal([{ mailingId: mailing.id, nextRunAt: mailing.nextRunAt }]);
    } finally {
      await worker.close();
    }
  });

  it('when the database drops the connections of a running scheduler, then the process lives and schedules on', async () => {
    const owner = await createUser(db());
    const actor = (await loadActor(db().models, owner.id))!;
    const message = await createMessage(db(), owner);
    const client = await createClient(db(), owner);
    const worker = testMailingServices(db(), transport);
    await worker.scheduler.start(worker.planner);
    const unexpected: unknown[] = [];
    const record = (error: unknown): void => void unexpected.push(error);
    process.on('uncaughtException', record);
    try {
      // what a database restart does to every idle connection (the job store's LISTEN one included)
      await db().sequelize.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const startAt = new Date(Date.now() + 500);
      await worker.mailings.create(actor, { name: 'After a restart', messageId: message.id, clientIds: [client.id], startAt, endAt: new Date(startAt.getTime() + 86_400_000), periodicity: 'daily' });
      await smtp.waitForMessages(1, 8000);
      expect(unexpected).to.deep.equal([]);
    } finally {
      process.off('uncaughtException', record);
      await worker.close();
    }
  });
});
