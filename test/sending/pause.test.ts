// Issue 14, point 3: pause, resume and cancel a run through the back office's API of this process while a worker
// child sends it to the slowed-down SMTP test server; a worker SIGKILLed during a pause and restarted.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { dueMailingTo } from '../helpers/mailing-fixtures.js';
import { childEnv, killAll, startChild, type Child } from '../helpers/child-process.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { createUser } from '../helpers/factories.js';
import { tally, until } from '../helpers/run-checks.js';

const RECIPIENTS = 300;

describe('pausing, resuming and cancelling a run', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let app: TestApp;
  let children: Child[] = [];

  before(async () => {
    smtp = await sharedSmtpTestServer();
    app = await startTestApp({ db: db(), smtp });
  });
  after(async () => {
    await app.stop();
  });
  afterEach(async () => {
    await killAll(children);
    children = [];
    smtp.reset();
  });

  function worker(name: string): Child {
    const child = startChild('test/helpers/test-worker.ts', [JSON.stringify({ name, concurrency: 3 })], childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url }));
    children.push(child);
    return child;
  }

  async function attemptOf(mailingId: number): Promise<{ id: number; status: string; locked_by: string | null; sent_count: number; cancel_reason: string | null; cancelled_by_id: number | null }> {
    const [row] = await db().sequelize.query<Awaited<ReturnType<typeof attemptOf>>>(
      'SELECT id, status, locked_by, sent_count, cancel_reason, cancelled_by_id FROM attempts WHERE mailing_id = $1',
      { bind: [mailingId], type: QueryTypes.SELECT },
    );
    return row!;
  }

  async function deliveryCounts(attemptId: number): Promise<Record<string, number>> {
    const rows = await db().sequelize.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM deliveries WHERE attempt_id = $1 GROUP BY status',
      { bind: [attemptId], type: QueryTypes.SELECT },
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  const noticeOf = (answer: { body?: { notice?: { type?: string; message?: string } } }): { type?: string; message?: string } => answer.body?.notice ?? {};

  it('when the owner pauses a run a worker sends, then nothing arrives 1 s later and the rest waits pending; another user (a stranger, a viewer of every mailing) cannot resume it; after a SIGKILL and restart it is still paused; resumed, the rest is sent once each', async () => {
    const { owner, mailing, emails } = await dueMailingTo(db(), RECIPIENTS);
    const ownerClient = await loggedIn(app.url, owner.email);
    const stranger = await loggedIn(app.url, (await createUser(db())).email);
    smtp.delayMessages(40);
    const first = worker('pause-first');
    await smtp.waitForMessages(30, 30_000);

    const paused = await ownerClient.post(`/admin/api/resources/mailings/records/${mailing.id}/pauseRun`);
    const pausedAt = Date.now();
    expect(noticeOf(paused).type, JSON.stringify(paused.body)).to.equal('success');
    const attemptId = (await attemptOf(mailing.id)).id;
    await until(async () => (await attemptOf(mailing.id)).locked_by === null, 5_000, 'the worker to release the paused run');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const atPause = smtp.messages.length;
    const late = smtp.messages.filter((m) => m.receivedAt > pausedAt + 1_000);
    console.log(`      ${atPause} of ${RECIPIENTS} sent before the pause took effect`);
    expect(late, 'mails that arrived more than 1 s after the pause answered').to.have.length(0);
    expect(atPause).to.be.below(RECIPIENTS);
    expect(await attemptOf(mailing.id)).to.include({ status: 'paused', locked_by: null });
    expect(await deliveryCounts(attemptId)).to.deep.equal({ sent: atPause, pending: RECIPIENTS - atPause });

    // another user's resume: HTTP 200 with an error in the body, and nothing changes
    const refused = await stranger.post(`/admin/api/resources/mailings/records/${mailing.id}/resumeRun`);
    expect(refused.status).to.equal(200);
    expect(noticeOf(refused).type, JSON.stringify(refused.body)).to.equal('error');
    expect(noticeOf(refused).message).to.match(/cannot be found/);
    // one who sees every mailing but may not disable (not a manager) may not pause or resume another's run either
    const viewer = await loggedIn(app.url, (await createUser(db(), { permissions: ['mailing.view_all'] })).email);
    const notYours = await viewer.post(`/admin/api/resources/mailings/records/${mailing.id}/resumeRun`);
    expect(notYours.status).to.equal(200);
    expect(noticeOf(notYours).type, JSON.stringify(notYours.body)).to.equal('error');
    // the catalogue key of "You are not allowed to do this here." (admin/locale)
    expect(noticeOf(notYours).message, JSON.stringify(notYours.body)).to.equal('forbiddenError');
    expect((await attemptOf(mailing.id)).status).to.equal('paused');

    // the worker dies during the pause; a restarted one does not resume the run
    first.process.kill('SIGKILL');
    await first.exited;
    const second = worker('pause-second');
    await second.waitFor('worker ready', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(smtp.messages.length, 'mails sent while paused').to.equal(atPause);
    expect((await attemptOf(mailing.id)).status).to.equal('paused');

    const resumed = await ownerClient.post(`/admin/api/resources/mailings/records/${mailing.id}/resumeRun`);
    expect(noticeOf(resumed).type, JSON.stringify(resumed.body)).to.equal('success');
    smtp.delayMessages(0);
    await until(async () => (await attemptOf(mailing.id)).status === 'success', 30_000, 'the resumed run to finish');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { raw } = tally(emails, smtp.messages);
    expect([...raw.values()].filter((n) => n !== 1).length, 'recipients without exactly one mail').to.equal(0);
    expect(await attemptOf(mailing.id)).to.include({ status: 'success', sent_count: RECIPIENTS });
  });

  it("when a manager pauses another user's run and then cancels it, then the unsent deliveries are cancelled with the manager's name, and the attempt says who stopped it", async () => {
    const manager = await createUser(db(), { permissions: ['mailing.view_all', 'mailing.disable'] });
    const { mailing } = await dueMailingTo(db(), RECIPIENTS);
    const managerClient = await loggedIn(app.url, manager.email);
    smtp.delayMessages(40);
    worker('cancel-worker');
    await smtp.waitForMessages(20, 30_000);

    const paused = await managerClient.post(`/admin/api/resources/mailings/records/${mailing.id}/pauseRun`);
    expect(noticeOf(paused).type, JSON.stringify(paused.body)).to.equal('success');
    await until(async () => (await attemptOf(mailing.id)).locked_by === null, 5_000, 'the worker to release the paused run');
    const again = await managerClient.post(`/admin/api/resources/mailings/records/${mailing.id}/pauseRun`);
    expect(noticeOf(again)).to.deep.include({ type: 'error', message: 'This mailing has no run sending now: there is nothing to pause.' });

    const cancelled = await managerClient.post(`/admin/api/resources/mailings/records/${mailing.id}/cancelRun`);
    expect(noticeOf(cancelled).type, JSON.stringify(cancelled.body)).to.equal('success');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const sent = smtp.messages.length;
    const attempt = await attemptOf(mailing.id);
    expect(attempt).to.include({ status: 'cancelled', cancelled_by_id: manager.id, cancel_reason: `cancelled by ${manager.email}`, sent_count: sent });
    expect(await deliveryCounts(attempt.id)).to.deep.equal({ sent, cancelled: RECIPIENTS - sent });
  });
});
