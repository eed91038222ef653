// Slow and silent mail servers (issue 10, points 1, 2 and 4): a slow server is waited for with the default timeouts,
// and a message whose end of DATA got no verdict is recorded `unknown`, never sent twice.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { runMailing, type RunOutcome } from '../../src/sending/run-mailing.js';
import { createSmtpTransport, type SmtpTimeouts } from '../../src/mail/smtp-transport.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { useTestDatabase } from '../helpers/database.js';
import { SmtpTestServer } from '../helpers/smtp-test-server.js';
import { deliveriesOf, mailingTo, testEngine, TEST_FROM, type DeliveryRow } from '../helpers/mailing-fixtures.js';

const POOL_SIZE = 3;

describe('a slow or silent mail server', function () {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport | undefined;

  before(async () => {
    // its own server: a delayed message is stored after the test's client gave up on it
    smtp = await SmtpTestServer.start();
  });
  after(async () => {
    await smtp.stop();
  });
  afterEach(async () => {
    await transport?.close();
    transport = undefined;
    smtp.reset();
  });

  /** The transport with the production defaults, except the timeouts a test names. */
  function open(timeouts: Partial<SmtpTimeouts> = {}): MailTransport {
    transport = createSmtpTransport({ url: smtp.url, from: TEST_FROM, pool: { maxConnections: POOL_SIZE }, timeouts, logger: () => undefined });
    return transport;
  }

  async function run(mailingId: number, through: MailTransport): Promise<Extract<RunOutcome, { kind: 'done' }>> {
    const outcome = await runMailing(testEngine(db(), through, { concurrency: POOL_SIZE }), mailingId, {
      scheduledFor: new Date('2026-11-23T09:00:00Z'),
      trigger: 'cli',
    });
    expect(outcome.kind).to.equal('done');
    return outcome as Extract<RunOutcome, { kind: 'done' }>;
  }

  async function deliveries(attemptId: number): Promise<Map<string, DeliveryRow>> {
    return deliveriesOf(db(), attemptId);
  }

  async function serverResponse(attemptId: number): Promise<string> {
    const [row] = await db().sequelize.query<{ server_response: string }>('SELECT server_response FROM attempts WHERE id = $1', {
      bind: [attemptId],
      type: QueryTypes.SELECT,
    });
    return row!.server_response;
  }

  // the run's time is the delay, not minutes of backoff (generous margins: a shared, slow machine)
  for (const { delayMs, marginMs } of [
    { delayMs: 10_000, marginMs: 10_000 },
    { delayMs: 45_000, marginMs: 15_000 },
  ]) {
    it(`when the server greets after ${delayMs / 1000} s, then with the default timeouts every recipient gets one copy, over at most pool size + 2 connections, in about the delay`, async function () {
      this.timeout(delayMs + marginMs + 30_000);
      const { mailing, emails } = await mailingTo(db(), 12);
      smtp.delayGreeting(delayMs);
      const started = Date.now();

      const outcome = await run(mailing.id, open());

      const elapsed = Date.now() - started;
      expect(outcome).to.include({ status: 'success', sent: 12, failed: 0, unknown: 0 });
      for (const email of emails) expect(smtp.messagesTo(email), email).to.have.length(1);
      expect(smtp.connectionCount).to.be.at.most(POOL_SIZE + 2);
      expect(elapsed).to.be.within(delayMs, delayMs + marginMs);
      for (const row of (await deliveries(outcome.attemptId)).values()) expect(row).to.include({ status: 'sent', tries: 1 });
    });
  }

  it('when the reply to the end of DATA comes 20 s late, then with the default timeouts the mail is recorded sent, once, and not resent', async function () {
    this.timeout(60_000);
    const { mailing, emails } = await mailingTo(db(), 2);
    smtp.delayMessages(20_000);

    const outcome = await run(mailing.id, open());

    expect(outcome).to.include({ status: 'success', sent: 2, failed: 0, unknown: 0 });
    for (const row of (await deliveries(outcome.attemptId)).values()) expect(row).to.include({ status: 'sent', tries: 1, response_code: 250 });
    for (const email of emails) {
      expect(smtp.messagesTo(email), email).to.have.length(1);
      expect(smtp.rcptAttempts(email), email).to.equal(1);
    }
  });

  it('when the reply to the end of DATA comes after the socket timeout, then the delivery is unknown, not resent, and the server has exactly one copy', async function () {
    this.timeout(40_000);
    const { mailing, emails } = await mailingTo(db(), 2);
    smtp.delayMessages(20_000);

    const outcome = await run(mailing.id, open({ socketMs: 5_000 }));

    expect(outcome).to.include({ status: 'failure', sent: 0, failed: 0, unknown: 2 });
    for (const row of (await deliveries(outcome.attemptId)).values()) {
      expect(row).to.include({ status: 'unknown', tries: 1, response_code: null });
      expect(row.response).to.match(/^Outcome unknown: .*socket timeout/);
    }
    expect(await serverResponse(outcome.attemptId)).to.match(/^2 unknown \(sent, but the server gave no verdict; not resent\): Outcome unknown/);
    // the server accepts them late, once each; the run is over, so nothing else will come
    await smtp.waitForMessages(2, 20_000);
    for (const email of emails) {
      expect(smtp.messagesTo(email), email).to.have.length(1);
      expect(smtp.rcptAttempts(email), email).to.equal(1);
    }
  });

  it('when the end of DATA is answered with garbage, then that delivery is unknown and not resent, and every recipient has one copy', async function () {
    const { mailing, emails } = await mailingTo(db(), 3);
    smtp.garbageAt('data', { text: 'WHAT IS THIS', times: 1 });

    const outcome = await run(mailing.id, open());

    expect(outcome).to.include({ status: 'failure', sent: 2, failed: 0, unknown: 1 });
    const rows = [...(await deliveries(outcome.attemptId)).values()];
    const unknown = rows.filter((row) => row.status === 'unknown');
    expect(unknown).to.have.length(1);
    expect(unknown[0]).to.include({ tries: 1 });
    expect(unknown[0]!.response).to.contain('WHAT IS THIS');
    for (const email of emails) {
      expect(smtp.messagesTo(email), email).to.have.length(1);
      expect(smtp.rcptAttempts(email), email).to.equal(1);
    }
  });

  it('when the end of DATA is never answered, then that delivery is unknown and the message is not sent again', async function () {
    const { mailing, emails } = await mailingTo(db(), 3);
    smtp.stallAt('data', { times: 1 });

    const outcome = await run(mailing.id, open({ socketMs: 1_000 }));

    expect(outcome).to.include({ status: 'failure', sent: 2, failed: 0, unknown: 1 });
    const unknown = [...(await deliveries(outcome.attemptId)).values()].filter((row) => row.status === 'unknown');
    expect(unknown).to.have.length(1);
    expect(unknown[0]).to.include({ tries: 1 });
    for (const email of emails) expect(smtp.rcptAttempts(email), email).to.equal(1);
  });

  it('when RCPT TO is answered 451 once, then the recipient is still retried and sent', async function () {
    const { mailing, emails } = await mailingTo(db(), 2);
    smtp.refuseRecipient(emails[0]!, 451, '4.7.1 Greylisted, try again', { times: 1 });

    const outcome = await run(mailing.id, open());

    expect(outcome).to.include({ status: 'success', sent: 2, unknown: 0 });
    expect((await deliveries(outcome.attemptId)).get(emails[0]!)).to.include({ status: 'sent', tries: 2 });
    for (const email of emails) expect(smtp.messagesTo(email), email).to.have.length(1);
  });
});
