// Issue 14, point 2 across processes: while one owner's big run takes the whole SEND_RATE, another owner's small
// mailing that becomes due starts at once and gets its turns (src/sending/rate-limit.ts, round-robin by owner).
// Real worker processes with the real scheduler (the job scheduled as the back office does), and `node dist/cli.js
// send`, which makes the due runs side by side; the real SMTP test server.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { dueMailingTo } from '../helpers/mailing-fixtures.js';
import { childEnv, killAll, startChild, type Child } from '../helpers/child-process.js';
import { createScheduler, type Scheduler } from '../../src/scheduling/scheduler.js';
import { silentLogger } from '../../src/log.js';

describe('fair turns between owners under SEND_RATE (real processes)', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let children: Child[] = [];
  let webSide: Scheduler | undefined;

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  afterEach(async () => {
    await killAll(children);
    children = [];
    await webSide?.stop();
    webSide = undefined;
    smtp.reset();
  });

  for (const workers of [1, 2]) {
    it(`when a 5,000-recipient run is under way with SEND_RATE=100/s (${workers} worker process${workers > 1 ? 'es' : ''}) and another owner's 5-recipient mailing becomes due, then all 5 are delivered within 5 s while the big run is still sending`, async () => {
      const big = await dueMailingTo(db(), 5000);
      const env = childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url, SEND_RATE: '100/s' });
      for (let i = 0; i < workers; i += 1) children.push(startChild('test/helpers/test-worker.ts', [JSON.stringify({ name: `fair-${i}`, concurrency: 5 })], env));
      // the big run has the limit to itself for a while: a full second's worth and more has arrived
      await smtp.waitForMessages(150, 30_000);

      const small = await dueMailingTo(db(), 5);
      expect(small.owner.id).to.not.equal(big.owner.id);
      const wanted = new Set(small.emails.map((e) => e.toLowerCase()));
      const arrivals: number[] = [];
      const bigBefore = smtp.messages.length;
      // scheduled the way the back office's planner does it: a job due now in the shared job store
      webSide = createScheduler({ store: { kind: 'postgres', url: db().url }, log: silentLogger });
      const dueAt = Date.now();
      await webSide.jobs.schedule(small.mailing.id, new Date(dueAt));
      const seen = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          clearInterval(poll);
          reject(new Error(`only ${arrivals.length} of the 5 mails arrived within 10 s`));
        }, 10_000);
        const poll = setInterval(() => {
          for (const mail of smtp.messages) {
            const to = mail.envelopeTo[0]!.toLowerCase();
            if (wanted.has(to) && !seen.has(to)) {
              seen.add(to);
              arrivals.push(mail.receivedAt);
            }
          }
          if (arrivals.length === 5) {
            clearTimeout(timer);
            clearInterval(poll);
            resolve();
          }
        }, 20);
      });
      const lastIn = Math.max(...arrivals) - dueAt;
      const bigDuring = smtp.messages.length - bigBefore - 5;
      console.log(`      the 5 mails within ${lastIn} ms of becoming due; ${bigDuring} mails of the big run meanwhile`);
      expect(lastIn).to.be.at.most(5_000);
      const [bigRun] = await db().sequelize.query<{ status: string; sent_count: number }>('SELECT status, sent_count FROM attempts WHERE mailing_id = $1', {
        bind: [big.mailing.id],
        type: QueryTypes.SELECT,
      });
      // the big run was under way all along: its run is unfinished and it went on sending meanwhile
      expect(bigRun!.status).to.equal('running');
      expect(bigDuring).to.be.above(0);
    });
  }

  it('when a 1,000-recipient mailing and, due after it, another owner\'s 3-recipient mailing are due and `node dist/cli.js send` runs with SEND_RATE=100/s, then the 3 mails arrive within 5 s of the first mail while the big run is still sending, and the command ends with both runs made', async () => {
    const big = await dueMailingTo(db(), 1000);
    const small = await dueMailingTo(db(), 3);
    await small.mailing.update({ nextRunAt: new Date(big.mailing.nextRunAt!.getTime() + 60_000) });
    const env = childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url, SEND_RATE: '100/s' });
    const cli = startChild('dist/cli.js', ['send'], env);
    children.push(cli);
    const wanted = new Set(small.emails.map((e) => e.toLowerCase()));
    await smtp.waitForMessages(1, 30_000);
    const firstAt = Math.min(...smtp.messages.map((m) => m.receivedAt));
    const ofSmall = (): number[] => smtp.messages.filter((m) => wanted.has(m.envelopeTo[0]!.toLowerCase())).map((m) => m.receivedAt);
    const deadline = Date.now() + 15_000;
    while (ofSmall().length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ofSmall(), cli.output()).to.have.length(3);
    const lastIn = Math.max(...ofSmall()) - firstAt;
    const bigSoFar = smtp.messages.length - 3;
    console.log(`      the 3 mails within ${lastIn} ms of the command's first mail; ${bigSoFar} of the big run's 1,000 by then`);
    expect(lastIn).to.be.at.most(5_000);
    expect(bigSoFar).to.be.below(1000);
    expect(await cli.exited, cli.output()).to.equal(0);
    expect(cli.output()).to.contain('Summary: 2 run(s) made, 1003 mail(s) sent, 0 failed');
  });
});
