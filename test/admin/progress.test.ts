// The live progress of a run (GET /admin/api/progress, src/reports/progress.ts): a run shows from its start with
// sent / failed / total growing, rate and time left; only to whom may see the attempt.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { FAST_TIMEOUTS } from '../helpers/mailing-fixtures.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createClient, createMailingRow, createUser } from '../helpers/factories.js';
import { loggedIn, type AdminClient } from '../helpers/admin-client.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { loadActor } from '../../src/access/policy.js';
import { MANAGER_PERMISSIONS } from './world.js';

interface Run {
  attemptId: number;
  mailingId: number;
  total: number;
  sent: number;
  failed: number;
  perMinute: number | null;
  secondsLeft: number | null;
}

async function runsOf(client: AdminClient, query = ''): Promise<Run[]> {
  const answer = await client.get(`/admin/api/progress${query}`);
  expect(answer.status, answer.text).to.equal(200);
  return (answer.body as { runs: Run[] }).runs;
}

describe('the live progress of runs', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let app: TestApp;

  before(async () => {
    smtp = await sharedSmtpTestServer();
    // the server answers each mail after 250 ms: the fast test socket timeout (0.4 s) would leave no room on a busy machine
    app = await startTestApp({ db: db(), smtp, smtpTimeouts: { ...FAST_TIMEOUTS, socketMs: 5000 } });
  });
  after(async () => {
    await app?.stop();
    smtp.reset();
  });

  it('when a run goes to a slow mail server, then its owner sees it from the start (in the reports too) with sent growing to the total, a rate and a time left; another user sees nothing; a manager sees it; once over it is gone', async () => {
    const owner = await createUser(db(), { email: 'progress-owner@example.test' });
    await createUser(db(), { email: 'progress-other@example.test' });
    await createUser(db(), { email: 'progress-manager@example.test', permissions: MANAGER_PERMISSIONS });
    const clients = [];
    for (let i = 0; i < 12; i++) clients.push(await createClient(db(), owner, { email: `progress-${i}@example.test` }));
    const mailing = await createMailingRow(db(), owner, { clients });
    const [asOwner, asOther, asManager] = await Promise.all(
      ['progress-owner@example.test', 'progress-other@example.test', 'progress-manager@example.test'].map((email) => loggedIn(app.url, email)),
    );
    expect(await runsOf(asOwner)).to.deep.equal([]);

    smtp.delayMessages(250);
    const actor = await loadActor(db().models, owner.id);
    const { attemptId } = await app.ctx.mailings.sendNow(actor!, mailing.id);

    const seen: Run[] = [];
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [run] = await runsOf(asOwner, `?mailingId=${mailing.id}`);
      if (!run) break;
      seen.push(run);
      if (seen.length === 2) {
        expect(await runsOf(asOther), 'another user').to.deep.equal([]);
        expect((await runsOf(asManager)).map((r) => r.attemptId), 'a manager').to.deep.equal([attemptId]);
        // the reports list it while it runs, not only once it ends
        const reports = await asOwner.get(`/admin/api/resources/attempts/actions/list?filters.mailingId=${mailing.id}`);
        const listed = (reports.body.records as Array<{ params: { id: number; status: string } }>).map((r) => [Number(r.params.id), r.params.status]);
        expect(listed, 'the reports while it runs').to.deep.equal([[attemptId, 'running']]);
      }
      if (Date.now() > deadline) throw new Error('the run did not end within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    smtp.delayMessages(0);
    expect(seen.length, 'polls while it ran').to.be.greaterThan(2);
    expect(seen.every((run) => run.attemptId === attemptId && run.mailingId === mailing.id && run.total === 12 && run.failed === 0)).to.equal(true);
    const sent = seen.map((run) => run.sent);
    expect(sent, 'never going back').to.deep.equal([...sent].sort((a, b) => a - b));
    expect(sent[sent.length - 1]!, 'grew while it ran').to.be.greaterThan(sent[0]!);
    const measured = seen.find((run) => run.sent > 0 && run.sent < 12);
    expect(measured?.perMinute, 'a rate').to.be.greaterThan(0);
    expect(measured?.secondsLeft, 'a time left').to.be.at.least(0);
    expect(await runsOf(asOwner)).to.deep.equal([]);
  });

  it('when mailingId is not a number or nobody is logged in, then 400 or 401 with a message', async () => {
    await createUser(db(), { email: 'progress-bad@example.test' });
    const client = await loggedIn(app.url, 'progress-bad@example.test');
    const bad = await client.get('/admin/api/progress?mailingId=abc');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('mailingId must be a mailing number');
    const anonymous = await fetch(`${app.url}/admin/api/progress`);
    expect(anonymous.status).to.equal(401);
  });
});
