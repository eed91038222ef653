// The engine against the real SMTP test server: every recipient served once, whatever the server does.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { runAttempt, runMailing, openAttempt, type RunOutcome } from '../../src/sending/run-mailing.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { deliveriesOf, mailingTo, testEngine, testTransport, type DeliveryRow } from '../helpers/mailing-fixtures.js';

describe('running a mailing', function () {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;
  let unexpected: unknown[];
  const recordUnexpected = (error: unknown): void => void unexpected.push(error);

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(() => {
    unexpected = [];
    process.on('unhandledRejection', recordUnexpected);
    process.on('uncaughtException', recordUnexpected);
    transport = testTransport(smtp.url);
  });
  afterEach(async () => {
    await transport.close();
    smtp.reset();
    await smtp.acceptConnections();
    process.off('unhandledRejection', recordUnexpected);
    process.off('uncaughtException', recordUnexpected);
    // the process lives: nothing escaped as an unhandled error
    expect(unexpected).to.deep.equal([]);
  });

  const slot = new Date('2026-11-22T09:00:00Z');

  async function run(mailingId: number): Promise<Extract<RunOutcome, { kind: 'done' }>> {
    const outcome = await runMailing(testEngine(db(), transport), mailingId, { scheduledFor: slot, trigger: 'cli' });
    expect(outcome.kind).to.equal('done');
    return outcome as Extract<RunOutcome, { kind: 'done' }>;
  }

  async function deliveries(attemptId: number): Promise<Map<string, DeliveryRow>> {
    return deliveriesOf(db(), attemptId);
  }

  async function attempt(attemptId: number): Promise<Record<string, unknown>> {
    const [row] = await db().sequelize.query<Record<string, unknown>>('SELECT * FROM attempts WHERE id = $1', { bind: [attemptId], type: QueryTypes.SELECT });
    return row!;
  }

  function receivedOnce(emails: string[]): void {
    for (const email of emails) expect(smtp.messagesTo(email), email).to.have.length(1);
  }

  it('when the server accepts everything, then each client gets the message once and the attempt is a success', async () => {
    const { mailing, emails } = await mailingTo(db(), 12);
    const outcome = await run(mailing.id);
    expect(outcome).to.include({ status: 'success', total: 12, sent: 12, failed: 0 });
    receivedOnce(emails);
    expect(smtp.messagesTo(emails[0]!)[0]!.subject).to.equal('Monthly news');
    expect(smtp.messagesTo(emails[0]!)[0]!.headers['message-id']).to.match(/^<delivery-\d+\.attempt-\d+@mailing\.test>$/);
    const row = await attempt(outcome.attemptId);
    expect(row).to.include({ status: 'success', recipients_count: 12, sent_count: 12, failed_count: 0, trigger: 'cli', locked_by: null });
    expect(row.server_response).to.match(/^250 /);
    const sent = await deliveries(outcome.attemptId);
    expect([...sent.values()].every((d) => d.status === 'sent' && d.tries === 1 && d.response_code === 250)).to.equal(true);
  });

  it('when the same run is made again, then nobody receives it twice', async () => {
    const { mailing, emails } = await mailingTo(db(), 5);
    await run(mailing.id);
    const again = await runMailing(testEngine(db(), transport), mailing.id, { scheduledFor: slot, trigger: 'schedule' });
    expect(again.kind).to.equal('skipped');
    receivedOnce(emails);
  });

  it('when another live process holds the run, then this one sends nothing', async () => {
    const { mailing } = await mailingTo(db(), 3);
    const opened = await openAttempt(db().sequelize, mailing.id, { scheduledFor: slot, trigger: 'schedule' });
    await db().sequelize.query(`UPDATE attempts SET locked_by = 'other:1', locked_until = now() + interval '30 seconds' WHERE id = $1`, {
      bind: [opened.id],
    });
    const outcome = await runAttempt(testEngine(db(), transport), opened.id);
    expect(outcome.kind).to.equal('skipped');
    expect(smtp.messages).to.have.length(0);
  });

  it('when the server answers 451 for some recipients, then they are retried and sent', async () => {
    const { mailing, emails } = await mailingTo(db(), 6);
    smtp.refuseRecipient(emails[1]!, 451, '4.7.1 Greylisted, try again', { times: 1 });
    smtp.refuseRecipient(emails[4]!, 451, '4.7.1 Greylisted, try again', { times: 2 });
    const outcome = await run(mailing.id);
    expect(outcome).to.include({ status: 'success', sent: 6, failed: 0 });
    receivedOnce(emails);
    const rows = await deliveries(outcome.attemptId);
    expect(rows.get(emails[1]!)!.tries).to.equal(2);
    expect(rows.get(emails[4]!)!.tries).to.equal(3);
  });

  it('when the server answers 550 for some recipients, then they fail without a retry and the others are sent', async () => {
    const { mailing, emails } = await mailingTo(db(), 6);
    smtp.refuseRecipient(emails[2]!, 550, '5.1.1 No such user here');
    const outcome = await run(mailing.id);
    expect(outcome).to.include({ status: 'failure', sent: 5, failed: 1 });
    expect(smtp.rcptAttempts(emails[2]!)).to.equal(1);
    receivedOnce(emails.filter((_, i) => i !== 2));
    const failed = (await deliveries(outcome.attemptId)).get(emails[2]!)!;
    expect(failed).to.include({ status: 'failed', tries: 1, response_code: 550 });
    expect(failed.response).to.contain('5.1.1 No such user here');
    const row = await attempt(outcome.attemptId);
    expect(row).to.include({ status: 'failure', sent_count: 5, failed_count: 1 });
    expect(row.server_response).to.contain('5.1.1 No such user here');
  });

  it('when a 451 never clears, then the recipient fails after the bounded tries with the server text', async () => {
    const { mailing, emails } = await mailingTo(db(), 3);
    smtp.refuseRecipient(emails[0]!, 451, '4.3.0 Mailbox busy');
    const outcome = await run(mailing.id);
    expect(outcome).to.include({ status: 'failure', sent: 2, failed: 1 });
    expect(smtp.rcptAttempts(emails[0]!)).to.equal(3);
    expect((await deliveries(outcome.attemptId)).get(emails[0]!)).to.include({ status: 'failed', tries: 3, response_code: 451 });
  });

  it('when the greeting is delayed past the timeout, then the run gives up after a few connections (not the tries of every recipient), every recipient fails with a timeout and the process lives', async () => {
    const { mailing, emails } = await mailingTo(db(), 2);
    smtp.delayGreeting(600);
    const outcome = await run(mailing.id);
    expect(outcome).to.include({ status: 'failure', sent: 0, failed: 2 });
    const failed = (await deliveries(outcome.attemptId)).get(emails[0]!)!;
    expect(failed.response).to.contain('greeting');
    // three failed connections in a row (the engine's default) find the server dead, whoever they were for
    expect(smtp.connectionCount).to.equal(3);
    expect((await attempt(outcome.attemptId)).server_response).to.contain('greeting');
  });

  it('when the server stalls mid-session once, then the stalled mail is retried and everyone gets one copy', async () => {
    const { mailing, emails } = await mailingTo(db(), 4);
    smtp.stallAt('rcpt', { times: 1 });
    const outcome = await run(mailing.id);
    expect(outcome).to.include({ status: 'success', sent: 4 });
    receivedOnce(emails);
    const tries = [...(await deliveries(outcome.attemptId)).values()].map((d) => d.tries).sort();
    expect(tries).to.deep.equal([1, 1, 1, 2]);
  });

  it('when the server is down, then every recipient fails with the connection error and a later run can still send', async () => {
    const { mailing, emails } = await mailingTo(db(), 30);
    await smtp.refuseConnections();
    const outcome = await run(mailing.id);
    expect(outcome).to.include({ status: 'failure', sent: 0, failed: 30 });
    const row = await attempt(outcome.attemptId);
    expect(row.server_response).to.match(/refused the connection|ECONNREFUSED/);
    // the outage is found once: only the mails in flight when it was found used up their tries (3 lanes here)
    const tried = await db().sequelize.query<{ tries: number; response: string }>(
      'SELECT tries, response FROM deliveries WHERE attempt_id = $1 ORDER BY id',
      { bind: [outcome.attemptId], type: QueryTypes.SELECT },
    );
    expect(tried.filter((d) => d.tries > 0).length).to.be.within(1, 3);
    const untried = tried.filter((d) => d.tries === 0);
    expect(untried).to.have.length.greaterThanOrEqual(27);
    for (const delivery of untried) expect(delivery.response).to.match(/^not tried: the mail server failed for every recipient: .*refused the connection/);
    await smtp.acceptConnections();
    const later = await runMailing(testEngine(db(), transport), mailing.id, { scheduledFor: new Date(slot.getTime() + 86_400_000), trigger: 'schedule' });
    expect(later).to.include({ kind: 'done', status: 'success', sent: 30 });
    receivedOnce(emails);
  });

  it('when the server answers 421 and closes, then drops the connection mid-batch, then every recipient still gets one copy', async () => {
    const { mailing, emails } = await mailingTo(db(), 30);
    smtp.closeAfterMessages(5, { times: 1 });
    const outcome = await run(mailing.id);
    expect(outcome).to.include({ status: 'success', sent: 30 });
    smtp.reset();
    const { mailing: second, emails: secondEmails } = await mailingTo(db(), 30);
    smtp.dropAfterMessages(7, { times: 1 });
    const dropped = await run(second.id);
    expect(dropped).to.include({ status: 'success', sent: 30 });
    receivedOnce(secondEmails);
    expect(emails).to.have.length(30);
  });

  it('when the server answers garbage, then the mail is retried and sent', async () => {
    const { mailing, emails } = await mailingTo(db(), 3);
    smtp.garbageAt('mail', { times: 1 });
    const outcome = await run(mailing.id);
    expect(outcome).to.include({ status: 'success', sent: 3 });
    receivedOnce(emails);
  });

  it('when the mailing is disabled, then the run sends nothing and leaves no attempt', async () => {
    const { mailing } = await mailingTo(db(), 3);
    await mailing.update({ disabledAt: new Date() });
    const outcome = await runMailing(testEngine(db(), transport), mailing.id, { scheduledFor: slot, trigger: 'schedule' });
    expect(outcome.kind).to.equal('skipped');
    expect(smtp.messages).to.have.length(0);
    const [count] = await db().sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM attempts', { type: QueryTypes.SELECT });
    expect(count!.n).to.equal(0);
  });
});
