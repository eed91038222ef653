// Issue 14, point 1 across processes: `node dist/cli.js send` and two worker processes share SEND_RATE=40/s
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

  it('when two workers and `node dist/cli.js send` share SEND_RATE=40/s over 1,200 mails of 12 mailings, each of the three holding runs, then no 1-second window of arrivals holds more than 41, the whole takes 27-33 s (ideal 30 s), every mail arrives once and every run is marked throttled', async () => {
    const emails: string[] = [];
    for (let i = 0; i < 12; i += 1) emails.push(...(await dueMailingTo(db(), 100)).emails);
    const env = childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url, SEND_RATE: '40/s' });
    // who holds the runs, sampled while they go: a worker by its name, the command line as "host:pid#token"
    const holders = new Set<string>();
    const heldNow = async (): Promise<void> => {
      const rows = await db().sequelize.query<{ locked_by: string }>(`SELECT locked_by FROM attempts WHERE status = 'running' AND locked_by IS NOT NULL`, { type: QueryTypes.SELECT });
      for (const row of rows) holders.add(row.locked_by.replace(/#.*/, ''));
    };
    // each worker's scheduler makes at most 4 runs at once: the two workers take 8 of the 12, the command line the rest
    const workers = ['rate-a', 'rate-b'];
    for (const name of workers) children.push(startChild('test/helpers/test-worker.ts', [JSON.stringify({ name, concurrency: 3 })], env));
    await until(async () => {
      await heldNow();
      return workers.every((name) => holders.has(name));
    }, 30_000, 'both workers to hold runs');
    const cli = startChild('dist/cli.js', ['send'], env);
    children.push(cli);
    const sampling = setInterval(() => void heldNow().catch(() => undefined), 200);
    try {
      await smtp.waitForMessages(1200, 90_000);
    } finally {
      clearInterval(sampling);
    }
    expect(await cli.exited, cli.output()).to.equal(0);
    await until(async () => {
      const [row] = await db().sequelize.query<{ open: number }>(`SELECT count(*)::int AS open FROM attempts WHERE status = 'running'`, { type: QueryTypes.SELECT });
      return row!.open === 0;
    }, 20_000, 'every run to be finished');
    // a few more moments: a mail sent twice would arrive now
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...holders].some((holder) => holder.endsWith(`:${cli.process.pid!}`)), `the command line held runs (holders: ${[...holders].join(', ')})`).to.equal(true);

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
    expect(attempts).to.have.length(12);
    expect(attempts.every((a) => a.status === 'success' && a.throttled), JSON.stringify(attempts)).to.equal(true);
    expect(cli.output()).to.match(/Summary: [1-9]\d* run\(s\) made/);
  });
});
