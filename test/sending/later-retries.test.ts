// Later retries (issue 14 point 4): temporary failures still failing after the run's own retries are tried again
// later, as part of the same run, within the mailing's window; the attempt waits as `retrying` (held by no process),
// any process picks it up when its next try is due, and never sends a mail twice.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { runMailing, type RunOutcome } from '../../src/sending/run-mailing.js';
import { cancelRun, pauseRun } from '../../src/sending/pause.js';
import { runMailingNow } from '../../src/sending/run-now.js';
import { ConflictError } from '../../src/errors.js';
import { loadActor } from '../../src/access/policy.js';
import { countRecipientsWaiting } from '../../src/observability/metrics.js';
import type { MailTransport } from '../../src/mail/transport.js';
import type { MailingServices } from '../../src/mailings/start-mailings.js';
import { useTestDatabase } from '../helpers/database.js';
import { SmtpTestServer } from '../helpers/smtp-test-server.js';
import { dueMailingTo, manualClock, mailingTo, testTransport } from '../helpers/mailing-fixtures.js';
import { until } from '../helpers/run-checks.js';
import { testMailingServices } from '../helpers/mailing-services.js';
import { childEnv, killAll, runCli, startChild, type Child } from '../helpers/child-process.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { createUser } from '../helpers/factories.js';

const GREYLISTED = '4.7.1 Greylisted, try again later';
const MINUTE = 60_000;
/** RETRY_LATER's default: 5, 30, 120 minutes. */
const LATER = [5 * MINUTE, 30 * MINUTE, 120 * MINUTE];
/** One try per run round: each later try is one SMTP try, so the counts below are the server's answers. */
const ONE_TRY = { maxTries: 1, delayMs: () => 0 };

interface AttemptRow {
  id: number;
  status: string;
  next_retry_at: Date | null;
  finished_at: Date | null;
  sent_count: number;
  failed_count: number;
  locked_by: string | null;
}

interface DeliveryState {
  email: string;
  status: string;
  tries: number;
  later_tries: number;
  retry_at: Date | null;
  response: string | null;
}

describe('later retries of a run', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport | undefined;
  let services: MailingServices | undefined;
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
    await services?.close();
    services = undefined;
    await transport?.close();
    transport = undefined;
    smtp.reset();
    await smtp.acceptConnections();
  });

  async function attemptOf(mailingId: number): Promise<AttemptRow> {
    // the mailing's one attempt (a test that waits for it to be opened reads it before it exists)
    const [row] = await db().sequelize.query<AttemptRow>(
      'SELECT id, status, next_retry_at, finished_at, sent_count, failed_count, locked_by FROM attempts WHERE mailing_id = $1 ORDER BY id',
      { bind: [mailingId], type: QueryTypes.SELECT },
    );
    return row!;
  }

  async function deliveryOf(attemptId: number, email: string): Promise<DeliveryState> {
    const [row] = await db().sequelize.query<DeliveryState>(
      'SELECT email, status, tries, later_tries, retry_at, response FROM deliveries WHERE attempt_id = $1 AND email = $2',
      { bind: [attemptId, email], type: QueryTypes.SELECT },
    );
    return row!;
  }

  async function triesOf(attemptId: number, email: string): Promise<Array<{ try: number; status: string; response_code: number | null }>> {
    return db().sequelize.query(
      `SELECT t.try, t.status, t.response_code FROM delivery_tries t JOIN deliveries d ON d.id = t.delivery_id
       WHERE d.attempt_id = $1 AND d.email = $2 ORDER BY t.try`,
      { bind: [attemptId, email], type: QueryTypes.SELECT },
    );
  }

  /** The mailing side of one process, on a clock the test moves (the engine's later tries are counted on it). */
  function processAt(clock: () => Date, overrides: { retryLaterMs?: number[] } = {}): MailingServices {
    transport = testTransport(smtp.url);
    services = testMailingServices(db(), transport, { clock, engine: { retry: ONE_TRY, retryLaterMs: overrides.retryLaterMs ?? LATER } });
    return services;
  }

  async function firstRun(s: MailingServices, mailingId: number): Promise<Extract<RunOutcome, { kind: 'done' }>> {
    const outcome = await runMailing(s.engine, mailingId, { scheduledFor: new Date(), trigger: 'cli' });
    expect(outcome.kind, JSON.stringify(outcome)).to.equal('done');
    return outcome as Extract<RunOutcome, { kind: 'done' }>;
  }

  it('when a recipient is answered 451 three times and then 250, then it is sent on the third later try (one copy), the others once at the first try, and each try\'s answer is kept', async () => {
    const t0 = new Date();
    const clock = manualClock(t0);
    const s = processAt(clock.now);
    const { mailing, emails } = await mailingTo(db(), 3);
    const [greylisted, ...others] = emails as [string, ...string[]];
    smtp.refuseRecipient(greylisted, 451, GREYLISTED, { times: 3 });

    const first = await firstRun(s, mailing.id);
    expect(first).to.include({ status: 'retrying', sent: 2, failed: 0, waiting: 1 });
    expect(first.nextRetryAt?.getTime(), 'first later try due').to.equal(t0.getTime() + 5 * MINUTE);
    let attempt = await attemptOf(mailing.id);
    expect(attempt).to.include({ status: 'retrying', locked_by: null, finished_at: null });
    expect(await countRecipientsWaiting(db().sequelize), 'the recipients-waiting gauge').to.equal(1);

    // not due yet: nothing happens
    clock.set(new Date(t0.getTime() + 5 * MINUTE - 1000));
    await s.planner.resumeUnfinished();
    expect((await attemptOf(mailing.id)).status).to.equal('retrying');
    expect(smtp.rcptAttempts(greylisted), 'tries before the first later try is due').to.equal(1);

    let at = t0.getTime();
    for (const [i, wait] of LATER.entries()) {
      at += wait;
      clock.set(new Date(at));
      await s.planner.resumeUnfinished();
      expect(smtp.rcptAttempts(greylisted), `tries after later try ${i + 1}`).to.equal(i + 2);
      attempt = await attemptOf(mailing.id);
      if (i < 2) {
        expect(attempt.status, `after later try ${i + 1}`).to.equal('retrying');
        expect(new Date(attempt.next_retry_at!).getTime(), `next try after later try ${i + 1}`).to.equal(at + LATER[i + 1]!);
      }
    }

    expect(attempt).to.include({ status: 'success', sent_count: 3, failed_count: 0, next_retry_at: null });
    expect(attempt.finished_at).to.not.equal(null);
    expect(await deliveryOf(attempt.id, greylisted)).to.include({ status: 'sent', tries: 4, later_tries: 3 });
    expect(smtp.messagesTo(greylisted)).to.have.length(1);
    for (const email of others) expect(smtp.messagesTo(email), email).to.have.length(1);
    expect(await triesOf(attempt.id, greylisted)).to.deep.equal([
      { try: 1, status: 'retrying', response_code: 451 },
      { try: 2, status: 'retrying', response_code: 451 },
      { try: 3, status: 'retrying', response_code: 451 },
      { try: 4, status: 'sent', response_code: 250 },
    ]);
  });

  it('when a recipient always answers 451, then it fails for good after the last later try and the attempt finishes as a failure with its final counts', async () => {
    const t0 = new Date();
    const clock = manualClock(t0);
    const s = processAt(clock.now);
    const { mailing, emails } = await mailingTo(db(), 2);
    const [refused, other] = emails as [string, string];
    smtp.refuseRecipient(refused, 451, GREYLISTED);

    await firstRun(s, mailing.id);
    let at = t0.getTime();
    for (const wait of LATER) {
      at += wait;
      clock.set(new Date(at));
      await s.planner.resumeUnfinished();
    }

    const attempt = await attemptOf(mailing.id);
    expect(attempt).to.include({ status: 'failure', sent_count: 1, failed_count: 1, next_retry_at: null });
    expect(await deliveryOf(attempt.id, refused)).to.include({ status: 'failed', tries: 4, later_tries: 3, retry_at: null });
    expect(smtp.rcptAttempts(refused), 'tries: the first and three later ones').to.equal(4);
    expect(smtp.messagesTo(other)).to.have.length(1);
    // nothing is due any more: a later sweep sends nothing
    clock.set(new Date(at + 24 * 60 * MINUTE));
    await s.planner.resumeUnfinished();
    expect(smtp.rcptAttempts(refused)).to.equal(4);
    expect((await triesOf(attempt.id, refused)).map((t) => t.status)).to.deep.equal(['retrying', 'retrying', 'retrying', 'failed']);
  });

  it("when the mailing's end comes before the next try, then the run is closed at the end and the waiting recipient fails with \"the mailing's window ended\", not tried again", async () => {
    const t0 = new Date();
    const clock = manualClock(t0);
    const s = processAt(clock.now);
    const end = new Date(t0.getTime() + 2 * MINUTE);
    const { mailing, emails } = await mailingTo(db(), 2, { startAt: new Date(t0.getTime() - MINUTE), endAt: end });
    const [refused] = emails as [string, string];
    smtp.refuseRecipient(refused, 451, GREYLISTED);

    const first = await firstRun(s, mailing.id);
    expect(first.status).to.equal('retrying');
    expect(first.nextRetryAt?.getTime(), 'the run waits until the end, which comes before the 5-minute try').to.equal(end.getTime());

    clock.set(new Date(end.getTime() - 1000));
    await s.planner.resumeUnfinished();
    expect((await attemptOf(mailing.id)).status, 'before the end').to.equal('retrying');

    clock.set(end);
    await s.planner.resumeUnfinished();
    const attempt = await attemptOf(mailing.id);
    expect(attempt).to.include({ status: 'failure', sent_count: 1, failed_count: 1, next_retry_at: null });
    expect(attempt.finished_at).to.not.equal(null);
    const delivery = await deliveryOf(attempt.id, refused);
    expect(delivery.status).to.equal('failed');
    expect(delivery.response).to.contain("the mailing's window ended").and.to.contain('451');
    expect(smtp.rcptAttempts(refused), 'tries').to.equal(1);
  });

  it('when a run waits for a later try, then "send now" is refused naming the wait, pausing it keeps it waiting past its due time, and cancelling it cancels the waiting recipient', async () => {
    const t0 = new Date();
    const clock = manualClock(t0);
    const s = processAt(clock.now);
    const { mailing, emails, owner } = await mailingTo(db(), 2);
    const [refused] = emails as [string, string];
    smtp.refuseRecipient(refused, 451, GREYLISTED);
    await firstRun(s, mailing.id);
    const actor = (await loadActor(db().models, owner.id))!;
    let refusal: unknown;
    await runMailingNow(s.engine, mailing.id, { trigger: 'manual' }).catch((error: unknown) => (refusal = error));
    expect(refusal).to.be.instanceOf(ConflictError);
    expect((refusal as Error).message).to.contain('waiting to try some recipients again later');

    await pauseRun(db().sequelize, actor, mailing.id);
    clock.set(new Date(t0.getTime() + 10 * MINUTE));
    await s.planner.resumeUnfinished();
    expect((await attemptOf(mailing.id)).status, 'paused past the due time').to.equal('paused');
    expect(smtp.rcptAttempts(refused), 'tries while paused').to.equal(1);

    await cancelRun(db().sequelize, actor, mailing.id);
    const attempt = await attemptOf(mailing.id);
    expect(attempt.status).to.equal('cancelled');
    expect((await deliveryOf(attempt.id, refused)).status).to.equal('cancelled');
    await s.planner.resumeUnfinished();
    expect(smtp.rcptAttempts(refused), 'tries after the cancel').to.equal(1);
  });

  it("when a manager disables a mailing whose run waits for a later try, then the run is cancelled at once with the manager named, the waiting recipient is cancelled, and no sweep sends it", async () => {
    const t0 = new Date();
    const clock = manualClock(t0);
    const s = processAt(clock.now);
    const { mailing, emails } = await mailingTo(db(), 2);
    const [refused] = emails as [string, string];
    smtp.refuseRecipient(refused, 451, GREYLISTED);
    await firstRun(s, mailing.id);
    const managerUser = await createUser(db(), { permissions: ['mailing.view_all', 'mailing.disable'] });
    const manager = (await loadActor(db().models, managerUser.id))!;

    await s.mailings.disable(manager, mailing.id);

    const [attempt] = await db().sequelize.query<{ id: number; status: string; cancel_reason: string | null; next_retry_at: Date | null }>(
      'SELECT id, status, cancel_reason, next_retry_at FROM attempts WHERE mailing_id = $1',
      { bind: [mailing.id], type: QueryTypes.SELECT },
    );
    expect(attempt).to.include({ status: 'cancelled', cancel_reason: `disabled by ${managerUser.email}`, next_retry_at: null });
    expect((await deliveryOf(attempt!.id, refused)).status).to.equal('cancelled');
    clock.set(new Date(t0.getTime() + 10 * MINUTE));
    await s.planner.resumeUnfinished();
    expect(smtp.rcptAttempts(refused), 'tries').to.equal(1);
  });

  it('when a run whose recipient needed later tries ended before the retention, then pruning deletes its deliveries and their tries, and a waiting run keeps both however old it is', async () => {
    const t0 = new Date();
    const clock = manualClock(t0);
    const s = processAt(clock.now);
    const ended = await mailingTo(db(), 2);
    smtp.refuseRecipient(ended.emails[0]!, 451, GREYLISTED, { times: 1 });
    await firstRun(s, ended.mailing.id);
    clock.set(new Date(t0.getTime() + 5 * MINUTE));
    await s.planner.resumeUnfinished();
    const old = await attemptOf(ended.mailing.id);
    expect(old.status).to.equal('success');
    expect(await triesOf(old.id, ended.emails[0]!)).to.have.length(2);
    const waiting = await mailingTo(db(), 2);
    smtp.refuseRecipient(waiting.emails[0]!, 451, GREYLISTED);
    await firstRun(s, waiting.mailing.id);
    const open = await attemptOf(waiting.mailing.id);
    expect(await triesOf(open.id, waiting.emails[0]!)).to.have.length(1);
    await db().sequelize.query(
      "UPDATE attempts SET attempted_at = now() - interval '400 days', finished_at = CASE WHEN finished_at IS NOT NULL THEN now() - interval '400 days' END WHERE id = ANY($1::int[])",
      { bind: [[old.id, open.id]] },
    );

    const { pruneDeliveries } = await import('../../src/reports/retention.js');
    const done = await pruneDeliveries(db().sequelize, { days: 180, batchSize: 1, pauseMs: 1 });

    expect(done).to.include({ attempts: 1, deliveries: 2 });
    const [left] = await db().sequelize.query<{ deliveries: number; tries: number }>(
      `SELECT (SELECT count(*)::int FROM deliveries WHERE attempt_id = $1) AS deliveries,
              (SELECT count(*)::int FROM delivery_tries t JOIN deliveries d ON d.id = t.delivery_id WHERE d.attempt_id = $1) AS tries`,
      { bind: [old.id], type: QueryTypes.SELECT },
    );
    expect(left).to.deep.equal({ deliveries: 0, tries: 0 });
    const [orphans] = await db().sequelize.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM delivery_tries t WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = t.delivery_id)',
      { type: QueryTypes.SELECT },
    );
    expect(orphans!.n, 'tries left without their delivery').to.equal(0);
    expect(await triesOf(open.id, waiting.emails[0]!), 'the waiting run\'s tries').to.have.length(1);
    expect((await deliveryOf(open.id, waiting.emails[0]!)).status).to.equal('retrying');
  });

  describe('in the back office', () => {
    const app = useTestApp(db);

    it("when a run waits for a later try, then its owner's attempt page shows it waiting with the next try's time, the delivery's page each try's answer, the mailing's page the next try, and another user sees none of it", async () => {
      const t0 = new Date('2030-01-01T00:00:00Z');
      const s = processAt(() => t0);
      const { mailing, emails, owner } = await mailingTo(db(), 2, { startAt: new Date('2029-12-31T23:00:00Z'), endAt: new Date('2030-02-01T00:00:00Z') });
      smtp.refuseRecipient(emails[0]!, 451, GREYLISTED);
      await firstRun(s, mailing.id);
      const attempt = await attemptOf(mailing.id);
      const next = '2030-01-01T00:05:00.000Z';
      const [delivery] = await db().sequelize.query<{ id: string }>('SELECT id::text FROM deliveries WHERE attempt_id = $1 AND email = $2', {
        bind: [attempt.id, emails[0]],
        type: QueryTypes.SELECT,
      });
      const client = await loggedIn(app().url, owner.email);

      const show = await client.get(`/admin/api/resources/attempts/records/${attempt.id}/show`);
      const params = show.body.record.params as Record<string, unknown>;
      expect(params.status).to.equal('retrying');
      expect(new Date(String(params.nextRetryAt)).toISOString()).to.equal(next);
      expect(String(params.serverResponse)).to.contain(`1 waiting for a later try, the next at ${next}`).and.to.contain('451');
      const deliveryShow = await client.get(`/admin/api/resources/deliveries/records/${delivery!.id}/show`);
      const deliveryParams = deliveryShow.body.record.params as Record<string, unknown>;
      expect(deliveryParams.status).to.equal('retrying');
      expect(new Date(String(deliveryParams.retryAt)).toISOString()).to.equal(next);
      expect(String(deliveryParams.triesLog)).to.match(/^try 1 at 2030-01-01T00:00:00\.000Z, retrying: 451 .*Greylisted/);
      const mailingShow = await client.get(`/admin/api/resources/mailings/records/${mailing.id}/show`);
      expect(String(mailingShow.body.record.params.latestAttempts)).to.contain(`next try at ${next}`);

      const stranger = await loggedIn(app().url, (await createUser(db())).email);
      const theirs = await stranger.get(`/admin/api/resources/attempts/records/${attempt.id}/show`);
      expect(theirs.body?.record?.params ?? {}, 'another user reads no attempt').to.deep.equal({});
      const theirDelivery = await stranger.get(`/admin/api/resources/deliveries/records/${delivery!.id}/show`);
      expect(theirDelivery.body?.record?.params ?? {}, 'another user reads no delivery').to.deep.equal({});
    });
  });

  describe('across processes (real time, millisecond waits)', () => {
    function env(): NodeJS.ProcessEnv {
      return childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url, RETRY_LATER: '300ms,60m', SMTP_TIMEOUTS: 'connection=2s,greeting=2s,socket=5s' });
    }

    it("when two workers run and a scheduled run's recipients are still greylisted after the run's own retries, then the run waits, one worker's sweep makes the later try when due, and every recipient gets exactly one copy", async () => {
      const { mailing, emails } = await dueMailingTo(db(), 20);
      const greylisted = emails.slice(0, 10);
      // the worker's own retries are 3 tries: the 4th try, the first later one, is accepted
      for (const email of greylisted) smtp.refuseRecipient(email, 451, GREYLISTED, { times: 3 });
      const workerEnv = childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url, RETRY_LATER: '1500ms,60m' });
      children.push(startChild('test/helpers/test-worker.ts', [JSON.stringify({ name: 'w1' })], workerEnv));
      children.push(startChild('test/helpers/test-worker.ts', [JSON.stringify({ name: 'w2' })], workerEnv));

      await until(async () => (await attemptOf(mailing.id))?.status === 'retrying', 20_000, 'the run to wait for its later try');
      const waiting = await attemptOf(mailing.id);
      expect(waiting).to.include({ sent_count: 10, locked_by: null });
      for (const email of greylisted) expect(smtp.messagesTo(email), `${email} before the later try`).to.have.length(0);

      await until(async () => (await attemptOf(mailing.id)).status === 'success', 20_000, 'the later try to be made');
      for (const email of emails) expect(smtp.messagesTo(email), email).to.have.length(1);
      for (const email of greylisted) expect(smtp.rcptAttempts(email), email).to.equal(4);
    });

    it('when the process that made a run is gone and its later try is due, then `cli.js send` in another process picks it up and sends the waiting recipient once', async () => {
      const s = processAt(() => new Date(), { retryLaterMs: [300, 60 * MINUTE] });
      const { mailing, emails } = await mailingTo(db(), 3);
      const [greylisted] = emails as [string, ...string[]];
      smtp.refuseRecipient(greylisted, 451, GREYLISTED, { times: 1 });
      const first = await firstRun(s, mailing.id);
      expect(first.status).to.equal('retrying');
      // this process stops: the waiting run is held by nobody
      await s.close();
      services = undefined;
      await new Promise((resolve) => setTimeout(resolve, 400));

      const cli = await runCli(['send'], env());

      expect(cli.output).to.match(new RegExp(`resumed attempt ${first.attemptId}: mailing ${mailing.id}: success, 3 sent`));
      expect(smtp.messagesTo(greylisted), 'copies of the waiting recipient').to.have.length(1);
      for (const email of emails) expect(smtp.messagesTo(email), email).to.have.length(1);
      expect((await attemptOf(mailing.id)).status).to.equal('success');
    });

    it('when two processes sweep at once for a due later try, then only one sends it: every recipient gets exactly one copy', async () => {
      const s = processAt(() => new Date(), { retryLaterMs: [300, 60 * MINUTE] });
      const { mailing, emails } = await mailingTo(db(), 40);
      const greylisted = emails.slice(0, 20);
      for (const email of greylisted) smtp.refuseRecipient(email, 451, GREYLISTED, { times: 1 });
      const first = await firstRun(s, mailing.id);
      expect(first).to.include({ status: 'retrying', waiting: 20, sent: 20 });
      await s.close();
      services = undefined;
      await new Promise((resolve) => setTimeout(resolve, 400));

      const [a, b] = await Promise.all([runCli(['send'], env()), runCli(['send'], env())]);

      const resumed = [a, b].filter((r) => r.output.includes(`resumed attempt ${first.attemptId}: mailing ${mailing.id}: success`));
      expect(resumed, `outputs:\n${a.output}\n---\n${b.output}`).to.have.length(1);
      for (const email of emails) expect(smtp.messagesTo(email), email).to.have.length(1);
      for (const email of greylisted) expect(smtp.rcptAttempts(email), email).to.equal(2);
      expect((await attemptOf(mailing.id)).status).to.equal('success');
    });

    it('when `cli.js send --mailing` finds the server dead, then its recipients wait "not tried" for a later try, the command prints when it is due (the time the attempt records), exits 1, and the next `send` after it sends them once', async () => {
      const { mailing, emails } = await mailingTo(db(), 20);
      await smtp.refuseConnections();
      const before = Date.now();

      const cli = await runCli(['send', '--mailing', String(mailing.id)], env());

      const attempt = await attemptOf(mailing.id);
      expect(attempt.status, cli.output).to.equal('retrying');
      const due = new Date(attempt.next_retry_at!);
      expect(due.getTime()).to.be.within(before + 300, Date.now() + 300);
      expect(cli.output).to.contain(`mailing ${mailing.id}: retrying, 0 sent, 0 failed, 20 waiting for a later try (next try at ${due.toISOString()}`);
      expect(cli.code).to.equal(1);
      const waiting = await Promise.all(emails.map((email) => deliveryOf(attempt.id, email)));
      expect(waiting.map((d) => d.status).filter((status) => status !== 'retrying'), 'not waiting').to.deep.equal([]);
      for (const delivery of waiting) expect(delivery.response, delivery.email).to.contain('refused the connection');
      expect(waiting.filter((d) => d.response?.startsWith('not tried')).length, 'recipients not tried').to.be.at.least(15);

      await smtp.acceptConnections();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due.getTime() - Date.now() + 50)));
      const again = await runCli(['send'], env());
      expect(again.output).to.contain(`resumed attempt ${attempt.id}: mailing ${mailing.id}: success, 20 sent`);
      for (const email of emails) expect(smtp.messagesTo(email), email).to.have.length(1);
    });
  });
});
