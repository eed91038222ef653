// Spec rules 1–5 with the clock in the test's hand: on time, once per period, clamped months, DST, downtime, the end.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { loadActor, type Actor } from '../../src/access/policy.js';
import type { MailTransport } from '../../src/mail/transport.js';
import type { MailingServices } from '../../src/mailings/start-mailings.js';
import type { Client, Message, User } from '../../src/models/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMessage, createUser } from '../helpers/factories.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { manualClock, storedJobs, testTransport } from '../helpers/mailing-fixtures.js';
import { testMailingServices } from '../helpers/mailing-services.js';

describe('the schedule of a mailing', function () {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;
  let services: MailingServices;
  let clock: ReturnType<typeof manualClock>;
  let owner: User;
  let actor: Actor;
  let message: Message;
  let clients: Client[];

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(async () => {
    transport = testTransport(smtp.url);
    clock = manualClock(new Date('2027-01-01T00:00:00Z'));
    services = testMailingServices(db(), transport, { clock: clock.now });
    owner = await createUser(db());
    actor = (await loadActor(db().models, owner.id))!;
    message = await createMessage(db(), owner);
    clients = [await createClient(db(), owner), await createClient(db(), owner)];
  });
  afterEach(async () => {
    await services.close();
    await transport.close();
    smtp.reset();
  });

  async function create(startAt: string, endAt: string, periodicity: 'daily' | 'weekly' | 'monthly') {
    const mailing = await services.mailings.create(actor, {
      name: 'Schedule test',
      messageId: message.id,
      clientIds: clients.map((c) => c.id),
      startAt: new Date(startAt),
      endAt: new Date(endAt),
      periodicity,
    });
    await services.planner.drain();
    return mailing;
  }

  /** What the Agenda job does when it fires: at the mailing's next run time. */
  async function fireJobAt(mailingId: number, at: string | Date) {
    clock.set(at);
    return services.planner.runDue(mailingId, 'schedule');
  }

  async function runTimes(mailingId: number): Promise<string[]> {
    const rows = await db().sequelize.query<{ scheduled_for: Date }>(
      'SELECT scheduled_for FROM attempts WHERE mailing_id = $1 ORDER BY scheduled_for',
      { bind: [mailingId], type: QueryTypes.SELECT },
    );
    return rows.map((row) => row.scheduled_for.toISOString());
  }

  it('when the start comes, then it is sent with nobody acting and the next run is one period later', async () => {
    clock.set('2027-01-10T08:00:00Z');
    const mailing = await create('2027-01-10T09:00:00Z', '2027-02-10T09:00:00Z', 'weekly');
    expect(smtp.messages).to.have.length(0);
    const result = await fireJobAt(mailing.id, '2027-01-10T09:00:00Z');
    expect(result.outcome).to.include({ kind: 'done', status: 'success', sent: 2 });
    await mailing.reload();
    expect(mailing.status).to.equal('running');
    expect(mailing.lastRunAt!.toISOString()).to.equal('2027-01-10T09:00:00.000Z');
    expect(mailing.nextRunAt!.toISOString()).to.equal('2027-01-17T09:00:00.000Z');
    expect(await storedJobs(db())).to.deep.equal([{ mailingId: mailing.id, nextRunAt: mailing.nextRunAt }]);
  });

  it('when runs follow until the end, then it runs once per period and ends completed with no job', async () => {
    clock.set('2027-03-01T00:00:00Z');
    const mailing = await create('2027-03-01T09:00:00Z', '2027-03-03T10:00:00Z', 'daily');
    let next = mailing.nextRunAt!;
    for (let i = 0; i < 3; i += 1) {
      const result = await fireJobAt(mailing.id, next);
      if (result.nextRunAt) next = result.nextRunAt;
    }
    expect(await runTimes(mailing.id)).to.deep.equal(['2027-03-01T09:00:00.000Z', '2027-03-02T09:00:00.000Z', '2027-03-03T09:00:00.000Z']);
    await mailing.reload();
    expect(mailing.status).to.equal('completed');
    expect(mailing.nextRunAt).to.equal(null);
    expect(await storedJobs(db())).to.deep.equal([]);
    expect(smtp.messagesTo(clients[0]!.email)).to.have.length(3);
  });

  it('when monthly on the 31st, then it runs on the last day of shorter months and on the 31st again', async () => {
    clock.set('2027-01-30T00:00:00Z');
    const mailing = await create('2027-01-31T09:00:00Z', '2027-04-15T00:00:00Z', 'monthly');
    let next: Date | null = mailing.nextRunAt;
    while (next) next = (await fireJobAt(mailing.id, next)).nextRunAt;
    expect(await runTimes(mailing.id)).to.deep.equal(['2027-01-31T09:00:00.000Z', '2027-02-28T09:00:00.000Z', '2027-03-31T09:00:00.000Z']);
    expect((await mailing.reload()).status).to.equal('completed');
  });

  it('when the clocks change, then a 09:00 mailing still runs at 09:00 local time', async () => {
    await services.close();
    services = testMailingServices(db(), transport, { clock: clock.now, timeZone: 'Europe/Berlin' });
    clock.set('2026-03-27T00:00:00Z');
    const mailing = await create('2026-03-28T08:00:00Z', '2026-04-10T00:00:00Z', 'daily');
    const first = await fireJobAt(mailing.id, mailing.nextRunAt!);
    expect(first.nextRunAt!.toISOString()).to.equal('2026-03-29T07:00:00.000Z');
  });

  it('when runs were missed while the service was down, then exactly one run is made when it comes back, then the next future one', async () => {
    clock.set('2027-05-01T08:00:00Z');
    const mailing = await create('2027-05-01T09:00:00Z', '2027-06-01T00:00:00Z', 'daily');
    await fireJobAt(mailing.id, '2027-05-01T09:00:00Z');
    // down from 05-01 10:00 to 05-05 12:00: the job for 05-02 09:00 is overdue when the worker starts
    clock.set('2027-05-05T12:00:00Z');
    await services.planner.reconcile();
    expect((await storedJobs(db()))[0]!.nextRunAt!.toISOString()).to.equal('2027-05-02T09:00:00.000Z');
    const caughtUp = await services.planner.runDue(mailing.id, 'schedule');
    expect(caughtUp.outcome).to.include({ kind: 'done', sent: 2 });
    expect(caughtUp.nextRunAt!.toISOString()).to.equal('2027-05-06T09:00:00.000Z');
    expect(await runTimes(mailing.id)).to.deep.equal(['2027-05-01T09:00:00.000Z', '2027-05-05T09:00:00.000Z']);
    // the job firing again (a second worker, a late notification) sends nothing more
    const again = await services.planner.runDue(mailing.id, 'schedule');
    expect(again.outcome.kind).to.equal('skipped');
    expect(smtp.messagesTo(clients[0]!.email)).to.have.length(2);
  });

  it('when the end passed while the service was down, then nothing is sent and the mailing is completed', async () => {
    clock.set('2027-05-01T08:00:00Z');
    const mailing = await create('2027-05-01T09:00:00Z', '2027-05-03T00:00:00Z', 'daily');
    const result = await fireJobAt(mailing.id, '2027-05-04T00:00:00Z');
    expect(result.outcome.kind).to.equal('not-due');
    expect((await mailing.reload()).status).to.equal('completed');
    expect(smtp.messages).to.have.length(0);
    expect(await storedJobs(db())).to.deep.equal([]);
  });

  it('when a mailing was disabled or its owner blocked after its job was set, then the job fires, sends nothing and is gone', async () => {
    clock.set('2027-05-01T08:00:00Z');
    const mailing = await create('2027-05-01T09:00:00Z', '2027-06-01T00:00:00Z', 'daily');
    await db().models.Mailing.update({ disabledAt: new Date() }, { where: { id: mailing.id } });
    const disabled = await fireJobAt(mailing.id, '2027-05-01T09:00:00Z');
    expect(disabled.outcome.kind).to.equal('not-due');
    await db().models.Mailing.update({ disabledAt: null }, { where: { id: mailing.id } });
    await owner.update({ blockedAt: new Date() });
    const blocked = await fireJobAt(mailing.id, '2027-05-01T09:00:00Z');
    expect(blocked.outcome.kind).to.equal('not-due');
    expect(smtp.messages).to.have.length(0);
    expect(await storedJobs(db())).to.deep.equal([]);
  });

  it('when jobs were lost, moved, duplicated or left for deleted mailings, then reconcile makes one right job per mailing', async () => {
    clock.set('2027-05-01T08:00:00Z');
    const lost = await create('2027-05-02T09:00:00Z', '2027-06-01T00:00:00Z', 'daily');
    const stale = await create('2027-05-03T09:00:00Z', '2027-06-01T00:00:00Z', 'daily');
    const deleted = await create('2027-05-04T09:00:00Z', '2027-06-01T00:00:00Z', 'daily');
    await db().sequelize.query(`DELETE FROM agenda_jobs WHERE data->>'mailingId' = $1`, { bind: [String(lost.id)] });
    await db().sequelize.query(`UPDATE agenda_jobs SET next_run_at = '2030-01-01' WHERE data->>'mailingId' = $1`, { bind: [String(stale.id)] });
    await db().sequelize.query(
      `INSERT INTO agenda_jobs (name, data, next_run_at, type, priority) SELECT name, data, next_run_at, 'normal', 0 FROM agenda_jobs WHERE data->>'mailingId' = $1`,
      { bind: [String(stale.id)] },
    );
    await db().sequelize.query('DELETE FROM mailings WHERE id = $1', { bind: [deleted.id] });
    const repaired = await services.planner.reconcile();
    expect(repaired.removed).to.equal(3);
    expect(await storedJobs(db())).to.deep.equal([
      { mailingId: lost.id, nextRunAt: new Date('2027-05-02T09:00:00Z') },
      { mailingId: stale.id, nextRunAt: new Date('2027-05-03T09:00:00Z') },
    ]);
  });
});
