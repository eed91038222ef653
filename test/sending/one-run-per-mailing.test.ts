// Issue 8, point 3: a mailing has at most one unfinished run. A double "send now" makes one run; a CLI killed
// mid-run is resumed by the next `send --mailing ID` or plain `send`, never sent again beside itself.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { dueMailingTo, mailingTo, testEngine, testTransport } from '../helpers/mailing-fixtures.js';
import { childEnv, killAll, runCli, startChild, type Child } from '../helpers/child-process.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { tally, until } from '../helpers/run-checks.js';
import { testMailingServices } from '../helpers/mailing-services.js';
import { openAttempt, runAttempt } from '../../src/sending/run-mailing.js';

describe('one unfinished run per mailing', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let children: Child[];

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(() => {
    children = [];
  });
  afterEach(async () => {
    await killAll(children);
    smtp.reset();
  });

  async function attempts(): Promise<Array<{ id: number; status: string; recipients_count: number; sent_count: number }>> {
    return db().sequelize.query('SELECT id, status, recipients_count, sent_count FROM attempts ORDER BY id', { type: QueryTypes.SELECT });
  }

  const env = () => childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url });

  /** Starts `cli.js send …` on a slowed SMTP server, SIGKILLs it after 300 mails; returns the unfinished attempt. */
  async function killMidRun(args: string[]): Promise<number> {
    smtp.delayMessages(3);
    const first = startChild('src/cli.ts', args, env());
    children.push(first);
    await smtp.waitForMessages(300, 30_000);
    first.process.kill('SIGKILL');
    await first.exited;
    expect(smtp.messages.length, 'killed before the end').to.be.below(2000);
    const [unfinished] = await attempts();
    expect(unfinished).to.include({ status: 'running' });
    return unfinished!.id;
  }

  // the in-flight window of the killed process (the engine's defaults, which the CLI and the test worker use): the
  // mails in flight on its 5 lanes plus one group of 200 results not yet written
  const WINDOW = 5 + 200;

  /** Every recipient got the mail, none two different mails, at most `window` recipients got it twice (0: each once). */
  function expectAtLeastOnceOneMessageId(emails: string[], window: number): void {
    const { raw, distinct } = tally(emails, smtp.messages);
    const missing = [...raw].filter(([, n]) => n === 0).length;
    const resent = [...raw].filter(([, n]) => n > 1).length;
    expect(missing, 'recipients without the mail').to.equal(0);
    expect([...distinct.values()].every((n) => n === 1), 'one Message-ID per recipient').to.equal(true);
    expect(resent, 'resends with the same Message-ID (the in-flight window)').to.be.at.most(window);
  }

  describe('"send now" twice at the same moment (a double click)', () => {
    let app: TestApp;
    before(async () => {
      // real-sized timeouts: this test is about one run per double click, and on a busy machine the fast test
      // timeouts (0.4 s of silence) turn a stalled event loop into an "unknown" outcome
      app = await startTestApp({ db: db(), smtp, smtpTimeouts: { connectionMs: 10_000, greetingMs: 10_000, socketMs: 10_000, sendMs: 30_000 } });
    });
    after(async () => {
      await app.stop();
    });

    it('when two "send now" of the owner arrive together, then one run is made, each recipient gets one mail, the second answer says it is already sending', async () => {
      const { owner, mailing, emails } = await mailingTo(db(), 300);
      smtp.delayMessages(15);
      const client = await loggedIn(app.url, owner.email);
      const path = `/admin/api/resources/mailings/records/${mailing.id}/sendNow`;

      const answers = await Promise.all([client.post(path), client.post(path)]);

      const notices = answers.map((a) => a.body?.notice as { type: string; message: string });
      expect(answers.map((a) => a.status)).to.deep.equal([200, 200]);
      expect(notices.map((n) => n.type).sort()).to.deep.equal(['error', 'success']);
      const refused = notices.find((n) => n.type === 'error')!;
      expect(refused.message).to.match(/^This mailing is already sending \(\d+ of 300 sent\): wait for the run to finish$/);
      await until(async () => (await attempts()).every((a) => a.status !== 'running'), 30_000, 'the run to finish');
      const made = await attempts();
      expect(made).to.have.length(1);
      expect(made[0]).to.include({ status: 'success', recipients_count: 300, sent_count: 300 });
      expectAtLeastOnceOneMessageId(emails, 0);
      expect(smtp.messages).to.have.length(300);
    });
  });

  describe('a CLI killed mid-run', () => {

    it('when `send --mailing ID` is killed and run again, then the same attempt is finished, no new one, each recipient has the mail at least once under one Message-ID, resends within the in-flight window', async () => {
      const { mailing, emails } = await mailingTo(db(), 2000);
      const attemptId = await killMidRun(['send', '--mailing', String(mailing.id)]);

      const again = await runCli(['send', '--mailing', String(mailing.id)], env());

      expect(again.code, again.output).to.equal(0);
      const made = await attempts();
      expect(made, 'no attempt opened beside the interrupted one').to.have.length(1);
      expect(made[0]).to.include({ id: attemptId, status: 'success', recipients_count: 2000, sent_count: 2000 });
      expectAtLeastOnceOneMessageId(emails, WINDOW);
    });

    it('when plain `send` is killed and run again, then it resumes the unfinished run instead of saying "0 mailing(s) due", each recipient at least once under one Message-ID', async () => {
      const { emails } = await dueMailingTo(db(), 2000);
      const attemptId = await killMidRun(['send']);

      const again = await runCli(['send'], env());

      expect(again.code, again.output).to.equal(0);
      expect(again.output).to.contain(`resumed attempt ${attemptId}`);
      const made = await attempts();
      expect(made, 'no attempt opened beside the interrupted one').to.have.length(1);
      expect(made[0]).to.include({ id: attemptId, status: 'success', recipients_count: 2000, sent_count: 2000 });
      expectAtLeastOnceOneMessageId(emails, WINDOW);
    });
  });

  describe('a CLI killed mid-run, and a worker', () => {
    it('when `send --mailing ID` is killed, then a worker takes the same attempt over (its holder is gone) and no recipient gets two different mails', async () => {
      const { mailing, emails } = await mailingTo(db(), 2000);
      const attemptId = await killMidRun(['send', '--mailing', String(mailing.id)]);

      smtp.delayMessages(0);
      const worker = startChild('test/helpers/test-worker.ts', [JSON.stringify({ name: 'successor' })], env());
      children.push(worker);
      await until(async () => (await attempts()).every((a) => a.status !== 'running'), 60_000, 'the worker to finish the run');

      const made = await attempts();
      expect(made, 'no attempt opened beside the interrupted one').to.have.length(1);
      expect(made[0]).to.include({ id: attemptId, status: 'success', sent_count: 2000 });
      expect(worker.output(), "taken over without waiting for the lease").to.match(new RegExp(`attempt ${attemptId}: taken over from .*no longer runs`));
      // the worker logs this line once the run has ended, i.e. after the attempt's row says so: wait for it to arrive
      await worker.waitFor(`resumed attempt ${attemptId}`, 10_000);
      expectAtLeastOnceOneMessageId(emails, WINDOW);
    });
  });

  describe('a scheduled run while another run is unfinished', () => {
    it('when the job fires while an interrupted run exists, then that run is finished and no parallel run is opened', async () => {
      const { mailing, emails } = await dueMailingTo(db(), 20);
      const transport = testTransport(smtp.url);
      const services = testMailingServices(db(), transport);
      try {
        const engine = testEngine(db(), transport, { shouldStop: () => true });
        const manual = await openAttempt(db().sequelize, mailing.id, { scheduledFor: new Date(Date.now() - 5_000), trigger: 'manual' });
        expect((await runAttempt(engine, manual.id)).kind, 'stopped at once, left unfinished').to.equal('interrupted');

        const result = await services.planner.runDue(mailing.id, 'schedule');

        expect(result.outcome).to.include({ kind: 'done', attemptId: manual.id, sent: 20 });
        expect(await attempts()).to.have.length(1);
        expectAtLeastOnceOneMessageId(emails, 0);
      } finally {
        await services.close();
        await transport.close();
      }
    });
  });
});
