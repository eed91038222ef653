// The mailing domain functions: access, validation, one transaction, and the schedule they set (spec rules 1, 2, 5).
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { loadActor, type Actor } from '../../src/access/policy.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/errors.js';
import type { MailTransport } from '../../src/mail/transport.js';
import type { MailingServices } from '../../src/mailings/start-mailings.js';
import type { Client, Message, User } from '../../src/models/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMessage, createUser } from '../helpers/factories.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { storedJobs, testTransport } from '../helpers/mailing-fixtures.js';
import { testMailingServices } from '../helpers/mailing-services.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('managing mailings', function () {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;
  let services: MailingServices;
  let owner: User;
  let actor: Actor;
  let message: Message;
  let clients: Client[];

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(async () => {
    transport = testTransport(smtp.url);
    services = testMailingServices(db(), transport);
    owner = await createUser(db());
    actor = (await loadActor(db().models, owner.id))!;
    message = await createMessage(db(), owner, { subject: 'Our news' });
    clients = [await createClient(db(), owner), await createClient(db(), owner)];
  });
  afterEach(async () => {
    await services.close();
    await transport.close();
    smtp.reset();
  });

  const input = (overrides: Record<string, unknown> = {}) => ({
    name: 'November news',
    messageId: message.id,
    clientIds: clients.map((c) => c.id),
    startAt: new Date(Date.now() - HOUR),
    endAt: new Date(Date.now() + 10 * DAY),
    periodicity: 'daily' as const,
    ...overrides,
  });

  async function errorOf(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    expect.fail('expected an error');
  }

  it('when created with its window open, then it is sent at once and its next run is one period after the start', async () => {
    const start = new Date(Date.now() - HOUR);
    const mailing = await services.mailings.create(actor, input({ startAt: start }));
    expect(mailing.ownerId).to.equal(owner.id);
    await smtp.waitForMessages(2, 3000);
    await services.planner.drain();
    await mailing.reload();
    expect(mailing.status).to.equal('running');
    expect(mailing.nextRunAt!.getTime()).to.equal(start.getTime() + DAY);
    expect(mailing.lastRunAt!.getTime()).to.equal(start.getTime());
    expect(await storedJobs(db())).to.deep.equal([{ mailingId: mailing.id, nextRunAt: mailing.nextRunAt }]);
    expect(smtp.messagesTo(clients[0]!.email)[0]!.subject).to.equal('Our news');
  });

  it('when created with a future start, then it stays created with one job at the start and nothing is sent', async () => {
    const start = new Date(Date.now() + 2 * DAY);
    const mailing = await services.mailings.create(actor, input({ startAt: start, endAt: new Date(start.getTime() + 5 * DAY) }));
    await services.planner.drain();
    expect(mailing.status).to.equal('created');
    expect(mailing.nextRunAt!.getTime()).to.equal(start.getTime());
    expect(await storedJobs(db())).to.deep.equal([{ mailingId: mailing.id, nextRunAt: start }]);
    expect(smtp.messages).to.have.length(0);
  });

  it('when the input is wrong, then a ValidationError names each field in words a person understands', async () => {
    const error = await errorOf(
      services.mailings.create(actor, input({ name: '  ', messageId: undefined, clientIds: [], endAt: new Date(Date.now() - 2 * HOUR), periodicity: 'hourly' })),
    );
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).fields).to.deep.equal({
      name: 'Give the mailing a name',
      messageId: 'Choose a message',
      clientIds: 'Choose at least one client',
      endAt: 'The end must be after the start',
      periodicity: 'Periodicity must be once, daily, weekly or monthly',
    });
  });

  it("when the message or a client is another user's, then it is not found and nothing is written", async () => {
    const other = await createUser(db());
    const theirMessage = await createMessage(db(), other);
    const theirClient = await createClient(db(), other);
    const error = await errorOf(services.mailings.create(actor, input({ messageId: theirMessage.id, clientIds: [clients[0]!.id, theirClient.id] })));
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).fields).to.deep.equal({ messageId: 'The chosen message was not found', clientIds: 'A chosen client was not found' });
    expect(await db().models.Mailing.count()).to.equal(0);
    expect(await db().models.MailingClient.count()).to.equal(0);
  });

  it("when a user guesses the id of another user's mailing, then every function answers not found", async () => {
    const mailing = await services.mailings.create(actor, input({ startAt: new Date(Date.now() + DAY) }));
    const intruder = (await loadActor(db().models, (await createUser(db())).id))!;
    for (const attempt of [
      () => services.mailings.update(intruder, mailing.id, { periodicity: 'weekly' }),
      () => services.mailings.remove(intruder, mailing.id),
      () => services.mailings.sendNow(intruder, mailing.id),
      () => services.mailings.disable(intruder, mailing.id),
    ]) {
      expect(await errorOf(attempt())).to.be.instanceOf(NotFoundError);
    }
    expect(await db().models.Mailing.count()).to.equal(1);
  });

  it('when a manager disables a mailing, then its job is cancelled; when enabled, it is scheduled again; a manager cannot edit it', async () => {
    const start = new Date(Date.now() + DAY);
    const mailing = await services.mailings.create(actor, input({ startAt: start }));
    const managerUser = await createUser(db(), { permissions: ['mailing.view_all', 'mailing.disable'] });
    const manager = (await loadActor(db().models, managerUser.id))!;
    const disabled = await services.mailings.disable(manager, mailing.id);
    expect(disabled.disabledById).to.equal(managerUser.id);
    expect(disabled.nextRunAt).to.equal(null);
    expect(await storedJobs(db())).to.deep.equal([]);
    expect(await errorOf(services.mailings.update(manager, mailing.id, { periodicity: 'weekly' }))).to.be.instanceOf(ForbiddenError);
    expect(await errorOf(services.mailings.sendNow(actor, mailing.id))).to.be.instanceOf(ForbiddenError);
    const enabled = await services.mailings.enable(manager, mailing.id);
    expect(enabled.nextRunAt!.getTime()).to.equal(start.getTime());
    expect(await storedJobs(db())).to.deep.equal([{ mailingId: mailing.id, nextRunAt: start }]);
  });

  it("when the owner is blocked, then their mailings lose their jobs, and get them back when unblocked", async () => {
    const start = new Date(Date.now() + DAY);
    const mailing = await services.mailings.create(actor, input({ startAt: start }));
    await owner.update({ blockedAt: new Date() });
    await services.mailings.ownerBlocked(owner.id);
    expect(await storedJobs(db())).to.deep.equal([]);
    await owner.update({ blockedAt: null });
    await services.mailings.ownerUnblocked(owner.id);
    expect(await storedJobs(db())).to.deep.equal([{ mailingId: mailing.id, nextRunAt: start }]);
  });

  it('when a mailing is deleted, then its job goes too', async () => {
    const mailing = await services.mailings.create(actor, input({ startAt: new Date(Date.now() + DAY) }));
    await services.mailings.remove(actor, mailing.id);
    expect(await storedJobs(db())).to.deep.equal([]);
    expect(await db().models.Mailing.findByPk(mailing.id)).to.equal(null);
  });

  /** Waits for the run a create made at once, so that what follows starts from a mailing that has sent. */
  async function createdAndSent(overrides: Record<string, unknown> = {}) {
    const start = new Date(Date.now() - HOUR);
    const mailing = await services.mailings.create(actor, input({ startAt: start, ...overrides }));
    await smtp.waitForMessages(2, 3000);
    await services.planner.drain();
    return { mailing: await mailing.reload(), start };
  }

  async function attemptsCount(): Promise<number> {
    const [row] = await db().sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM attempts', { type: QueryTypes.SELECT });
    return row!.n;
  }

  it("when a running mailing's end date is edited, then nothing is sent at once and the next run stays one period after the start", async () => {
    const { mailing, start } = await createdAndSent();
    await services.mailings.update(actor, mailing.id, { endAt: new Date(start.getTime() + 3 * DAY) });
    await services.planner.drain();
    await mailing.reload();
    expect(smtp.messages).to.have.length(2);
    expect(await attemptsCount()).to.equal(1);
    expect(mailing.status).to.equal('running');
    expect(mailing.nextRunAt!.getTime()).to.equal(start.getTime() + DAY);
    expect(await storedJobs(db())).to.deep.equal([{ mailingId: mailing.id, nextRunAt: mailing.nextRunAt }]);
  });

  it("when a running mailing's end is moved before its next run, then nothing is sent and it is completed with no job", async () => {
    const { mailing } = await createdAndSent();
    await services.mailings.update(actor, mailing.id, { endAt: new Date(Date.now() + HOUR) });
    await services.planner.drain();
    await mailing.reload();
    expect(smtp.messages).to.have.length(2);
    expect(mailing.status).to.equal('completed');
    expect(mailing.nextRunAt).to.equal(null);
    expect(await storedJobs(db())).to.deep.equal([]);
  });

  it("when a running mailing's clients or message are edited, then nothing is sent at once and the next run keeps its time", async () => {
    const { mailing, start } = await createdAndSent();
    const added = await createClient(db(), owner);
    const other = await createMessage(db(), owner, { subject: 'Other news' });
    await services.mailings.update(actor, mailing.id, { clientIds: [added.id] });
    await services.mailings.update(actor, mailing.id, { messageId: other.id });
    await services.planner.drain();
    await mailing.reload();
    expect(smtp.messagesTo(added.email)).to.have.length(0);
    expect(await attemptsCount()).to.equal(1);
    expect(mailing.messageId).to.equal(other.id);
    expect(mailing.nextRunAt!.getTime()).to.equal(start.getTime() + DAY);
  });

  it('when a running daily mailing becomes weekly, then nothing is sent at once and the next run is one week after the start', async () => {
    const { mailing, start } = await createdAndSent();
    await services.mailings.update(actor, mailing.id, { periodicity: 'weekly' });
    await services.planner.drain();
    await mailing.reload();
    expect(await attemptsCount()).to.equal(1);
    expect(mailing.nextRunAt!.getTime()).to.equal(start.getTime() + 7 * DAY);
  });

  it('when a mailing is once and its start has come, then it is sent one time at once and is completed with no job', async () => {
    const start = new Date(Date.now() - HOUR);
    const mailing = await services.mailings.create(actor, input({ startAt: start, endAt: undefined, periodicity: 'once' }));
    await smtp.waitForMessages(2, 3000);
    await services.planner.drain();
    await mailing.reload();
    expect(mailing.endAt).to.equal(null);
    expect(mailing.status).to.equal('completed');
    expect(mailing.nextRunAt).to.equal(null);
    expect(mailing.lastRunAt!.getTime()).to.equal(start.getTime());
    expect(await storedJobs(db())).to.deep.equal([]);
    // the schedule asked again (reconcile at a restart, a job that fires late) makes no second run
    await services.planner.reconcile();
    const again = await services.planner.runDue(mailing.id, 'schedule');
    expect(again.outcome.kind).to.be.oneOf(['skipped', 'not-due']);
    expect(smtp.messages).to.have.length(2);
    expect(await attemptsCount()).to.equal(1);
  });

  it('when a once mailing starts later, then it waits created with one job at its start; a periodic one without an end is refused', async () => {
    const start = new Date(Date.now() + DAY);
    const mailing = await services.mailings.create(actor, input({ startAt: start, endAt: null, periodicity: 'once' }));
    expect(mailing.status).to.equal('created');
    expect(await storedJobs(db())).to.deep.equal([{ mailingId: mailing.id, nextRunAt: start }]);
    const error = await errorOf(services.mailings.create(actor, input({ endAt: null, periodicity: 'daily' })));
    expect((error as ValidationError).fields).to.deep.equal({ endAt: 'Enter when the mailing ends' });
  });

  it('when the owner clicks send now, then a manual run goes out in the background', async () => {
    const mailing = await services.mailings.create(actor, input({ startAt: new Date(Date.now() + DAY) }));
    const { attemptId } = await services.mailings.sendNow(actor, mailing.id);
    await smtp.waitForMessages(2, 3000);
    // "send now" is not planned: the run goes through src/sending/run-now.ts, in the mailing service's background
    await services.mailings.drain();
    const attempt = await db().models.Attempt.findByPk(attemptId);
    expect(attempt).to.include({ trigger: 'manual', status: 'success', sentCount: 2 });
  });
});
