// Issue 8, point 4: disable, block and delete stop a run that is already sending, within a second, when the run is
// sent by ANOTHER process (a worker child sending slowly to the SMTP test server) and the stop comes through the
// back-office API of this one. The unsent deliveries are `cancelled`, the attempt says who stopped it and why.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { dueMailingTo } from '../helpers/mailing-fixtures.js';
import { childEnv, killAll, startChild, type Child } from '../helpers/child-process.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { loggedIn, type AdminClient } from '../helpers/admin-client.js';
import { createUser } from '../helpers/factories.js';
import { until } from '../helpers/run-checks.js';
import type { Mailing, User } from '../../src/models/index.js';

const RECIPIENTS = 400;

describe('stopping a run that is sending', function () {
  this.timeout(90_000);
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

  interface Stopped {
    owner: User;
    mailing: Mailing;
    manager: User;
    /** Date.now() when the back office answered the stop. */
    stoppedAt: number;
    attempt: { id: number; status: string; cancelled_by_id: number | null; cancel_reason: string | null; sent_count: number; recipients_count: number; mailing_label: string };
    deliveries: Array<{ status: string; response: string | null; n: number }>;
  }

  /** A worker child sends a due mailing slowly; once 30 mails are in, `stop` acts through the back office. */
  async function stopMidRun(stop: (ctx: { owner: User; mailing: Mailing; manager: AdminClient; ownerClient: AdminClient }) => Promise<unknown>): Promise<Stopped> {
    const managerUser = await createUser(db(), { permissions: ['mailing.view_all', 'mailing.disable', 'user.view_all', 'user.block'] });
    const { owner, mailing } = await dueMailingTo(db(), RECIPIENTS);
    const manager = await loggedIn(app.url, managerUser.email);
    const ownerClient = await loggedIn(app.url, owner.email);
    smtp.delayMessages(40);
    const worker = startChild('test/helpers/test-worker.ts', [JSON.stringify({ name: 'slow-worker', concurrency: 3 })], childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url }));
    children.push(worker);
    await smtp.waitForMessages(30, 30_000);

    const answer = await stop({ owner, mailing, manager, ownerClient });
    const stoppedAt = Date.now();
    expect((answer as { body?: { notice?: { type: string } } }).body?.notice?.type, JSON.stringify((answer as { body?: unknown }).body)).to.equal('success');

    // the worker writes the mails that were in flight and recounts; then watch the sink a while longer
    await until(async () => (await deliveriesOf(mailing)).every((d) => d.status !== 'sending' && d.status !== 'pending'), 10_000, 'the run to settle');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const [attempt] = await db().sequelize.query<Stopped['attempt']>(
      `SELECT id, status, cancelled_by_id, cancel_reason, sent_count, recipients_count, mailing_label FROM attempts WHERE owner_id = $1`,
      { bind: [owner.id], type: QueryTypes.SELECT },
    );
    return { owner, mailing, manager: managerUser, stoppedAt, attempt: attempt!, deliveries: await deliveriesOf(mailing) };
  }

  async function deliveriesOf(mailing: Mailing): Promise<Stopped['deliveries']> {
    return db().sequelize.query(
      `SELECT d.status, d.response, count(*)::int AS n FROM deliveries d JOIN attempts a ON a.id = d.attempt_id
       WHERE a.owner_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      { bind: [mailing.ownerId], type: QueryTypes.SELECT },
    );
  }

  /** Nothing reached the sink more than 1 s after the stop; what did is recorded `sent`, the rest `cancelled`. */
  function expectStoppedWithinASecond(stopped: Stopped, by: User, reason: string): void {
    const late = smtp.messages.filter((m) => m.receivedAt > stopped.stoppedAt + 1_000);
    const lastMs = Math.max(...smtp.messages.map((m) => m.receivedAt)) - stopped.stoppedAt;
    console.log(`      ${smtp.messages.length} of ${RECIPIENTS} sent; the last mail arrived ${lastMs} ms after the stop answered`);
    expect(late, 'mails that arrived more than 1 s after the stop').to.have.length(0);
    expect(smtp.messages.length, 'the run was stopped halfway').to.be.below(RECIPIENTS);
    expect(stopped.attempt).to.include({ status: 'cancelled', cancelled_by_id: by.id, cancel_reason: reason });
    expect(stopped.attempt).to.include({ sent_count: smtp.messages.length, recipients_count: RECIPIENTS });
    const sent = stopped.deliveries.find((d) => d.status === 'sent')?.n ?? 0;
    const cancelled = stopped.deliveries.filter((d) => d.status === 'cancelled');
    expect(sent, 'every mail at the sink is recorded sent').to.equal(smtp.messages.length);
    expect(cancelled.map((d) => d.response)).to.deep.equal([`not sent: ${reason}`]);
    expect(sent + cancelled[0]!.n).to.equal(RECIPIENTS);
  }

  it('when a manager disables the mailing while a worker sends it, then no mail arrives more than 1 s later and the rest are cancelled with the reason', async () => {
    const stopped = await stopMidRun(({ mailing, manager }) => manager.post(`/admin/api/resources/mailings/records/${mailing.id}/disable`));

    expectStoppedWithinASecond(stopped, stopped.manager, `disabled by ${stopped.manager.email}`);
  });

  it("when a manager blocks the mailing's owner while a worker sends it, then no mail arrives more than 1 s later and the rest are cancelled with the reason", async () => {
    const stopped = await stopMidRun(({ owner, manager }) => manager.post(`/admin/api/resources/users/records/${owner.id}/block`));

    expectStoppedWithinASecond(stopped, stopped.manager, `owner blocked by ${stopped.manager.email}`);
  });

  it('when the owner deletes the mailing while a worker sends it, then no mail arrives more than 1 s later, and the owner still reads the reports with the mailing\'s label', async () => {
    let ownerClient: AdminClient | undefined;
    const stopped = await stopMidRun((ctx) => {
      ownerClient = ctx.ownerClient;
      return ctx.ownerClient.post(`/admin/api/resources/mailings/records/${ctx.mailing.id}/delete`);
    });
    expectStoppedWithinASecond(stopped, stopped.owner, `mailing deleted by ${stopped.owner.email}`);
    expect(await db().models.Mailing.findByPk(stopped.mailing.id)).to.equal(null);
    // a run's reports name the mailing by its name (no name given here: it is the message's subject)
    const label = 'Monthly news';
    expect(stopped.attempt.mailing_label).to.equal(label);
    const list = await ownerClient!.get('/admin/api/resources/attempts/actions/list');
    const rows = (list.body.records as Array<{ id: string; params: Record<string, unknown> }>).map((r) => r.params);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ mailingLabel: label, status: 'cancelled' });
    const show = await ownerClient!.get(`/admin/api/resources/attempts/records/${stopped.attempt.id}/show`);
    expect(show.body.record.params).to.include({ mailingLabel: label, cancelReason: `mailing deleted by ${stopped.owner.email}` });
    const deliveries = await ownerClient!.get(`/admin/api/resources/deliveries/actions/list?filters.attemptId=${stopped.attempt.id}&perPage=10`);
    expect(deliveries.body.meta.total).to.equal(RECIPIENTS);
    const stranger = await loggedIn(app.url, (await createUser(db())).email);
    const theirs = await stranger.get(`/admin/api/resources/attempts/records/${stopped.attempt.id}/show`);
    expect(theirs.body?.record?.params ?? {}, 'another user reads nothing').to.deep.equal({});
  });
});
