// A run taken over by another runner (its lease lost): the old holder stops and hands over, the new one resumes the
// deliveries left `sending`, including those that waited for a retry, and each recipient gets the mail once.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { runAttempt, runMailing, type RunOutcome } from '../../src/sending/run-mailing.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { useTestDatabase } from '../helpers/database.js';
import { SmtpTestServer } from '../helpers/smtp-test-server.js';
import { mailingTo, testEngine, testTransport } from '../helpers/mailing-fixtures.js';
import { tally, until } from '../helpers/run-checks.js';

describe('a run taken over by another runner', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transports: MailTransport[];

  before(async () => {
    smtp = await SmtpTestServer.start();
  });
  after(async () => {
    await smtp.stop();
  });
  beforeEach(() => {
    transports = [];
  });
  afterEach(async () => {
    await Promise.all(transports.map((t) => t.close()));
    smtp.reset();
  });

  function transport(): MailTransport {
    const t = testTransport(smtp.url, 3);
    transports.push(t);
    return t;
  }

  /** Takes the lease from its holder, as another process's resume sweep would after a missed renewal. */
  async function stealLease(attemptId: number): Promise<void> {
    await db().sequelize.query(`UPDATE attempts SET locked_by = 'thief#00000000', locked_until = now() + interval '1 hour' WHERE id = $1`, { bind: [attemptId] });
  }
  async function freeLease(attemptId: number): Promise<void> {
    await db().sequelize.query(`UPDATE attempts SET locked_by = NULL, locked_until = now() - interval '1 second' WHERE id = $1`, { bind: [attemptId] });
  }
  async function attemptOf(mailingId: number): Promise<{ id: number; status: string }> {
    const [row] = await db().sequelize.query<{ id: number; status: string }>('SELECT id, status FROM attempts WHERE mailing_id = $1', { bind: [mailingId], type: QueryTypes.SELECT });
    return row!;
  }

  /** Resolves with the outcome, or fails when the run has not returned within limitMs. */
  function within<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not return within ${limitMs} ms`)), limitMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  const engine = (overrides = {}) => testEngine(db(), transport(), { leaseMs: 1500, heartbeatMs: 300, watchMs: 100, concurrency: 3, batchSize: 50, ...overrides });

  it('when the lease of a sending run is taken by another runner, then the old runner returns "interrupted" within 5 s and the new one finishes the run with each recipient getting one mail', async () => {
    const { mailing, emails } = await mailingTo(db(), 300);
    smtp.delayMessages(20);
    const first = runMailing(engine(), mailing.id, { scheduledFor: new Date(), trigger: 'manual' });
    await smtp.waitForMessages(40, 20_000);
    const { id } = await attemptOf(mailing.id);
    await stealLease(id);
    const stolenAt = Date.now();
    const outcome: RunOutcome = await within(first, 5000, 'the old runner');
    expect(outcome.kind).to.equal('interrupted');
    expect(Date.now() - stolenAt).to.be.below(5000);
    smtp.delayMessages(0);
    await freeLease(id);
    const second = await within(runAttempt(engine(), id), 20_000, 'the new runner');
    expect(second.kind, JSON.stringify(second)).to.equal('done');
    const { raw } = tally(emails, smtp.messages);
    expect([...raw.values()].filter((n) => n !== 1), 'recipients without exactly one copy').to.deep.equal([]);
  });

  it('when the lease of a run is taken while some recipients wait for a retry, then the old runner returns "interrupted" within 5 s and the new one sends to the waiting recipients too, each once', async () => {
    const { mailing, emails } = await mailingTo(db(), 60);
    const waiting = emails.slice(0, 5);
    for (const email of waiting) smtp.refuseRecipient(email, 451, '4.7.1 Greylisted, try again later', { times: 1 });
    const first = runMailing(engine({ retry: { maxTries: 3, delayMs: () => 30_000 } }), mailing.id, { scheduledFor: new Date(), trigger: 'manual' });
    await until(async () => smtp.messages.length >= emails.length - waiting.length, 20_000, 'the others to be sent');
    const { id } = await attemptOf(mailing.id);
    await stealLease(id);
    const stolenAt = Date.now();
    const outcome: RunOutcome = await within(first, 5000, 'the old runner');
    expect(outcome.kind).to.equal('interrupted');
    expect(Date.now() - stolenAt).to.be.below(5000);
    await freeLease(id);
    const second = await within(runAttempt(engine(), id), 20_000, 'the new runner');
    expect(second.kind, JSON.stringify(second)).to.equal('done');
    const { raw } = tally(emails, smtp.messages);
    expect([...raw.values()].filter((n) => n !== 1), 'recipients without exactly one copy').to.deep.equal([]);
  });
});
