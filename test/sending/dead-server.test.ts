// A dead mail server is found once per run, not once per recipient (issue 10, point 4): connection-level failures
// (refused, no greeting, login refused) are counted across the pool, and after a few in a row the run stops
// opening connections, fails the rest "not tried: <the server's state>" and finishes.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { runMailing, type RunOutcome } from '../../src/sending/run-mailing.js';
import { createSmtpTransport, DEFAULT_SMTP_POOL, type SmtpTimeouts } from '../../src/mail/smtp-transport.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { useTestDatabase } from '../helpers/database.js';
import { SmtpTestServer } from '../helpers/smtp-test-server.js';
import { mailingTo, testEngine, TEST_FROM } from '../helpers/mailing-fixtures.js';

describe('a dead mail server', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport | undefined;

  before(async () => {
    smtp = await SmtpTestServer.start();
  });
  after(async () => {
    await smtp.stop();
  });
  afterEach(async () => {
    await transport?.close();
    transport = undefined;
    smtp.reset();
    await smtp.acceptConnections();
  });

  /** The production pool (5 connections) and timeouts, but the ones a test names. */
  function open(url: string, timeouts: Partial<SmtpTimeouts> = {}): MailTransport {
    transport = createSmtpTransport({ url, from: TEST_FROM, timeouts, logger: () => undefined });
    return transport;
  }

  /** A run with the engine's production settings (lanes = pool size, the default retry policy). */
  async function run(mailingId: number, through: MailTransport): Promise<Extract<RunOutcome, { kind: 'done' }>> {
    const outcome = await runMailing(testEngine(db(), through, { concurrency: DEFAULT_SMTP_POOL.maxConnections, retry: undefined }), mailingId, {
      scheduledFor: new Date('2026-11-24T09:00:00Z'),
      trigger: 'cli',
    });
    expect(outcome.kind).to.equal('done');
    return outcome as Extract<RunOutcome, { kind: 'done' }>;
  }

  async function deliveryCounts(attemptId: number): Promise<Array<{ status: string; response: string; n: number }>> {
    return db().sequelize.query(
      `SELECT status, regexp_replace(response, '^(not tried: )?.*', '\\1') AS response, count(*)::int AS n
       FROM deliveries WHERE attempt_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      { bind: [attemptId], type: QueryTypes.SELECT },
    );
  }

  async function responses(attemptId: number): Promise<string[]> {
    const rows = await db().sequelize.query<{ response: string; status: string }>('SELECT status, response FROM deliveries WHERE attempt_id = $1', {
      bind: [attemptId],
      type: QueryTypes.SELECT,
    });
    for (const row of rows) expect(row.status).to.equal('failed');
    return rows.map((row) => row.response);
  }

  it('when the server never greets, then a run of 1,000 recipients with a 3 s greeting timeout ends within 30 s over at most the pool size of connections, every recipient failed with the greeting timeout as the reason', async () => {
    const { mailing } = await mailingTo(db(), 1000);
    smtp.stallAt('greeting');
    const started = Date.now();

    const outcome = await run(mailing.id, open(smtp.url, { greetingMs: 3_000 }));

    const elapsed = Date.now() - started;
    expect(outcome).to.include({ status: 'failure', total: 1000, sent: 0, failed: 1000, unknown: 0 });
    expect(elapsed, 'run time').to.be.below(30_000);
    expect(smtp.connectionCount, 'connections opened').to.be.at.most(DEFAULT_SMTP_POOL.maxConnections);
    for (const response of await responses(outcome.attemptId)) expect(response).to.contain('did not send its greeting in time');
    const notTried = (await deliveryCounts(outcome.attemptId)).find((row) => row.response === 'not tried: ');
    expect(notTried?.n, 'recipients not tried').to.be.at.least(1000 - DEFAULT_SMTP_POOL.maxConnections);
    expect(outcome.serverResponse, 'the attempt\'s reason').to.contain('did not send its greeting in time');
  });

  it('when the port is closed, then a run of 1,000 recipients ends within a few seconds, every recipient failed with the refused connection as the reason', async () => {
    const { mailing } = await mailingTo(db(), 1000);
    await smtp.refuseConnections();
    const started = Date.now();

    const outcome = await run(mailing.id, open(smtp.url));

    const elapsed = Date.now() - started;
    expect(outcome).to.include({ status: 'failure', total: 1000, sent: 0, failed: 1000 });
    expect(elapsed, 'run time').to.be.below(5_000);
    for (const response of await responses(outcome.attemptId)) expect(response).to.contain('refused the connection');
  });

  it('when the server refuses the login, then the run stops after a few connections, every recipient failed with the server\'s answer', async () => {
    const guarded = await SmtpTestServer.start({ auth: { user: 'sender', pass: 'right' } });
    try {
      const { mailing } = await mailingTo(db(), 200);
      const url = `smtp://sender:wrong@127.0.0.1:${guarded.port}`;

      const outcome = await run(mailing.id, open(url));

      expect(outcome).to.include({ status: 'failure', total: 200, sent: 0, failed: 200 });
      expect(guarded.connectionCount, 'connections opened').to.be.at.most(DEFAULT_SMTP_POOL.maxConnections);
      for (const response of await responses(outcome.attemptId)) expect(response).to.contain('535');
    } finally {
      await transport?.close();
      transport = undefined;
      await guarded.stop();
    }
  });

  it('when one connection gets no greeting and the next one does, then the run goes on and every recipient gets one copy', async () => {
    const { mailing, emails } = await mailingTo(db(), 30);
    smtp.stallAt('greeting', { times: 1 });

    const outcome = await run(mailing.id, open(smtp.url, { greetingMs: 500 }));

    expect(outcome).to.include({ status: 'success', sent: 30, failed: 0 });
    for (const email of emails) expect(smtp.messagesTo(email), email).to.have.length(1);
  });
});
