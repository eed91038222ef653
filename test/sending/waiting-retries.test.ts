// Waiting does not block the others (issue 10, point 3): a recipient waiting for its retry holds neither a send lane
// nor a connection, and a process stopped while recipients wait hands the run over at once.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { isResumable, runAttempt, runMailing, type RunOutcome } from '../../src/sending/run-mailing.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { useTestDatabase } from '../helpers/database.js';
import { SmtpTestServer } from '../helpers/smtp-test-server.js';
import { dueMailingTo, mailingTo, testEngine, testTransport } from '../helpers/mailing-fixtures.js';
import { childEnv, killAll, startChild, type Child } from '../helpers/child-process.js';
import { tally, until } from '../helpers/run-checks.js';

const GREYLISTED = '4.7.1 Greylisted, try again later';

describe('recipients waiting for a retry', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport | undefined;
  let children: Child[];

  before(async () => {
    smtp = await SmtpTestServer.start();
  });
  after(async () => {
    await smtp.stop();
  });
  beforeEach(() => {
    children = [];
  });
  afterEach(async () => {
    await killAll(children);
    await transport?.close();
    transport = undefined;
    smtp.reset();
  });

  function greylist(emails: string[], times: number): void {
    for (const email of emails) smtp.refuseRecipient(email, 451, GREYLISTED, { times });
  }

  async function attemptsOf(mailingId: number): Promise<Array<{ id: number; status: string; locked_by: string | null }>> {
    return db().sequelize.query('SELECT id, status, locked_by FROM attempts WHERE mailing_id = $1 ORDER BY id', { bind: [mailingId], type: QueryTypes.SELECT });
  }

  function exactlyOnce(emails: string[]): void {
    const { raw } = tally(emails, smtp.messages);
    expect([...raw.values()].filter((n) => n !== 1), 'recipients without exactly one copy').to.deep.equal([]);
  }

  /** Resolves with how long the child took to exit after `since`; fails after limitMs. */
  async function exitTime(child: Child, since: number, limitMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running ${limitMs} ms after SIGTERM; output:\n${child.output()}`)), limitMs);
    });
    try {
      await Promise.race([child.exited, late]);
      return Date.now() - since;
    } finally {
      clearTimeout(timer);
    }
  }

  it('when 200 recipients are answered 451 on their first two tries, then all are sent in about the two backoff waits, not one wait per recipient per lane', async () => {
    const { mailing, emails } = await mailingTo(db(), 200);
    greylist(emails, 2);
    const waitMs = 2_000;
    transport = testTransport(smtp.url, 3);
    const started = Date.now();

    const outcome = (await runMailing(testEngine(db(), transport, { concurrency: 3, retry: { maxTries: 3, delayMs: () => waitMs } }), mailing.id, {
      scheduledFor: new Date('2026-11-24T09:00:00Z'),
      trigger: 'cli',
    })) as Extract<RunOutcome, { kind: 'done' }>;

    const elapsed = Date.now() - started;
    expect(outcome).to.include({ kind: 'done', status: 'success', sent: 200, failed: 0 });
    exactlyOnce(emails);
    for (const email of emails.slice(0, 5)) expect(smtp.rcptAttempts(email), email).to.equal(3);
    // the ideal is the two waits (4 s) plus 600 short conversations; waits held by the 3 lanes would take
    // 200 × 2 × 2 s / 3 ≈ 267 s (a generous margin over the ideal: a shared, slow machine)
    expect(elapsed, 'run time').to.be.within(2 * waitMs, 2 * waitMs + 20_000);
  });

  it('when a run is told to stop while its recipients wait for a long backoff, then it hands the run over within a second, and another run sends each recipient once', async () => {
    const { mailing, emails } = await mailingTo(db(), 40);
    greylist(emails, 1);
    transport = testTransport(smtp.url, 3);
    let stop = false;
    const first = runMailing(
      testEngine(db(), transport, { retry: { maxTries: 3, delayMs: () => 60_000 }, shouldStop: () => stop, leaseMs: 30_000 }),
      mailing.id,
      { scheduledFor: new Date('2026-11-24T09:00:00Z'), trigger: 'cli' },
    );
    await until(() => emails.every((email) => smtp.rcptAttempts(email) === 1), 10_000, 'every recipient greylisted once');
    const stoppedAt = Date.now();

    stop = true;
    const outcome = await first;

    expect(Date.now() - stoppedAt, 'time to hand over').to.be.below(1_000);
    expect(outcome).to.include({ kind: 'interrupted', reason: 'this process is shutting down' });
    const [attempt] = await attemptsOf(mailing.id);
    expect(attempt).to.include({ status: 'running', locked_by: null });
    expect(await isResumable(db().sequelize, attempt!.id, 30_000), 'resumable at once').to.equal(true);
    const second = await runAttempt(testEngine(db(), transport), attempt!.id);
    expect(second).to.include({ kind: 'done', status: 'success', sent: 40 });
    exactlyOnce(emails);
  });

  it('when a worker gets SIGTERM while its recipients wait for a 451 backoff, then it exits within 10 s, and another worker finishes the run with each recipient once', async () => {
    const { emails } = await dueMailingTo(db(), 60);
    greylist(emails, 1);
    const env = childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url });
    const first = startChild('test/helpers/test-worker.ts', [JSON.stringify({ name: 'waiting', retryDelayMs: 60_000 })], env);
    children.push(first);
    await until(() => emails.every((email) => smtp.rcptAttempts(email) === 1), 30_000, 'every recipient greylisted once');
    const signalled = Date.now();

    first.process.kill('SIGTERM');

    expect(await exitTime(first, signalled, 10_000)).to.be.below(10_000);
    expect(await first.exited).to.equal(0);
    expect(smtp.messages, 'nothing accepted before the stop').to.have.length(0);
    children.push(startChild('test/helpers/test-worker.ts', [JSON.stringify({ name: 'successor' })], env));
    await until(() => smtp.messages.length >= 60, 30_000, 'the successor to send the run');
    await until(async () => (await db().sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM attempts WHERE status = 'running'`, { type: QueryTypes.SELECT }))[0]!.n === 0, 10_000, 'the run to finish');
    exactlyOnce(emails);
  });

  it('when `node dist/cli.js send` gets SIGTERM while its recipients wait for a 451 backoff, then it ends within 10 s, the run can be taken over at once, and another process sends each recipient once', async () => {
    const { mailing, emails } = await mailingTo(db(), 60);
    greylist(emails, 2);
    const env = childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url });
    const cli = startChild('dist/cli.js', ['send', '--mailing', String(mailing.id)], env);
    children.push(cli);
    await until(() => emails.every((email) => smtp.rcptAttempts(email) === 1), 30_000, 'every recipient greylisted once');
    const signalled = Date.now();

    cli.process.kill('SIGTERM');

    expect(await exitTime(cli, signalled, 10_000)).to.be.below(10_000);
    const [attempt] = await attemptsOf(mailing.id);
    expect(attempt).to.include({ status: 'running' });
    expect(await isResumable(db().sequelize, attempt!.id, 30_000), 'resumable at once').to.equal(true);
    transport = testTransport(smtp.url, 3);
    const finished = await runAttempt(testEngine(db(), transport), attempt!.id);
    expect(finished).to.include({ kind: 'done', status: 'success', sent: 60 });
    exactlyOnce(emails);
  });
});
