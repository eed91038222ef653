// Issue 14, point 1 across processes: two worker processes and `node dist/cli.js send` share SEND_RATE=40/s
// through PostgreSQL. The SMTP test server's arrival times are the measure (needs `npm run build`).
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { mostInAnyWindow, tally, until } from '../helpers/run-checks.js';
import { dueMailingTo } from '../helpers/mailing-fixtures.js';
import { childEnv, killAll, startChild, type Child } from '../helpers/child-process.js';

describe('send-rate limit across processes', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let children: Child[] = [];

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  afterEach(async () => {
    await killAll(children);
    children = [];
    smtp.reset();
  });

  it('when two workers and `node dist/cli.js send` share SEND_RATE=40/s over 1,200 mails of 6 mailings, then no 1-second window of arrivals holds more than 41, the whole takes 27-33 s (ideal 30 s), every mail arrives once and every run is marked throttled', async () => {
    const emails: string[] = [];
    for (let i = 0; i < 6; i += 1) emails.push(...(await dueMailingTo(db(), 200)).emails);
    const env = childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url, SEND_RATE: '40/s' });
    for (const name of ['rate-a', 'rate-b']) children.push(startChild('test/helpers/test-worker.ts', [JSON.stringify({ name, concurrency: 3 })], env));
    const cli = startChild('dist/cli.js', ['send'], env);
    children.push(cli);
    await smtp.waitForMessages(1200, 90_000);
    expect(await cli.exited, cli.output()).to.equal(0);
    await until(async () => {
      const [row] = await db().sequelize.query<{ open: number }>(`SELECT count(*)::int AS open FROM attempts WHERE status = 'running'`, { type: QueryTypes.SELECT });
      return row!.open === 0;
    }, 20_000, 'every run to be finished');
    // a few more moments: a mail sent twice would arrive now
    await new Promise((resolve) => setTimeout(resolve, 500));

    const times = smtp.messages.map((m) => m.receivedAt);
    const most = mostInAnyWindow(times, 1000);
    const span = Math.max(...times) - Math.min(...times);
    console.log(`      1,200 mails in ${(span / 1000).toFixed(2)} s (ideal 30 s); most in any 1-s window: ${most}`);
    const { raw } = tally(emails, smtp.messages);
    expect([...raw.values()].filter((n) => n !== 1).length, 'recipients without exactly one mail').to.equal(0);
    expect(smtp.messages.length).to.equal(1200);
    expect(most).to.be.at.most(41);
    expect(span).to.be.within(27_000, 33_000);
    const attempts = await db().sequelize.query<{ status: string; throttled: boolean }>('SELECT status, throttled FROM attempts', { type: QueryTypes.SELECT });
    expect(attempts).to.have.length(6);
    expect(attempts.every((a) => a.status === 'success' && a.throttled), JSON.stringify(attempts)).to.equal(true);
    // the CLI made some of the runs (it is one of the three senders)
    expect(cli.output()).to.match(/[1-9]\d* run\(s\) made|mailing \d+: success/);
  });
});
