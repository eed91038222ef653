// The one door to "run this mailing now" (src/sending/run-now.ts), used by the back office's send now and the CLI.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { mailingTo, testEngine, testTransport } from '../helpers/mailing-fixtures.js';
import { openAttempt } from '../../src/sending/run-mailing.js';
import { runMailingNow } from '../../src/sending/run-now.js';
import { ConflictError, NotFoundError } from '../../src/errors.js';
import type { MailTransport } from '../../src/mail/transport.js';

describe('running a mailing now', function () {
  this.timeout(20_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(() => {
    transport = testTransport(smtp.url);
  });
  afterEach(async () => {
    await transport.close();
    smtp.reset();
  });

  const attempts = () =>
    db().sequelize.query<{ id: number; trigger: string; status: string; sent_count: number }>('SELECT id, trigger, status, sent_count FROM attempts ORDER BY id', { type: QueryTypes.SELECT });

  it('when the mailing has no unfinished run, then a new run with the given trigger is opened and sends to every recipient', async () => {
    const { mailing, emails } = await mailingTo(db(), 4);

    const started = await runMailingNow(testEngine(db(), transport), mailing.id, { trigger: 'cli' });
    const outcome = await started.outcome;

    expect(started.resumed).to.equal(false);
    expect(outcome).to.include({ kind: 'done', attemptId: started.attemptId, sent: 4 });
    expect(await attempts()).to.deep.equal([{ id: started.attemptId, trigger: 'cli', status: 'success', sent_count: 4 }]);
    for (const email of emails) expect(smtp.messagesTo(email)).to.have.length(1);
  });

  it('when another live process holds the unfinished run, then a ConflictError says how far it got and no run is opened beside it', async () => {
    const { mailing } = await mailingTo(db(), 3);
    const held = await openAttempt(db().sequelize, mailing.id, { scheduledFor: new Date(Date.now() - 60_000), trigger: 'schedule' });
    await db().sequelize.query(`UPDATE attempts SET locked_by = 'elsewhere:1#0badc0de', locked_until = now() + interval '1 minute' WHERE id = $1`, { bind: [held.id] });

    const refused = await runMailingNow(testEngine(db(), transport), mailing.id, { trigger: 'manual' }).catch((error: unknown) => error);

    expect(refused).to.be.instanceOf(ConflictError);
    expect((refused as Error).message).to.equal('This mailing is already sending (0 of 3 sent): wait for the run to finish');
    expect((await attempts()).map((a) => a.id)).to.deep.equal([held.id]);
    expect(smtp.messages).to.have.length(0);
  });

  it('when the unfinished run was interrupted (its lease expired), then that run is resumed and finished instead of a new one', async () => {
    const { mailing, emails } = await mailingTo(db(), 3);
    const interrupted = await openAttempt(db().sequelize, mailing.id, { scheduledFor: new Date(Date.now() - 60_000), trigger: 'schedule' });
    await db().sequelize.query(`UPDATE attempts SET locked_by = 'elsewhere:1#0badc0de', locked_until = now() - interval '1 second' WHERE id = $1`, { bind: [interrupted.id] });

    const started = await runMailingNow(testEngine(db(), transport), mailing.id, { trigger: 'manual' });
    const outcome = await started.outcome;

    expect(started).to.include({ attemptId: interrupted.id, resumed: true });
    expect(outcome).to.include({ kind: 'done', attemptId: interrupted.id, sent: 3 });
    expect(await attempts()).to.have.length(1);
    for (const email of emails) expect(smtp.messagesTo(email)).to.have.length(1);
  });

  it('when the mailing does not exist, then a NotFoundError names it and no attempt is written', async () => {
    const refused = await runMailingNow(testEngine(db(), transport), 999_999, { trigger: 'cli' }).catch((error: unknown) => error);

    expect(refused).to.be.instanceOf(NotFoundError);
    expect((refused as Error).message).to.equal('Mailing #999999 was not found');
    expect(await attempts()).to.deep.equal([]);
  });
});
