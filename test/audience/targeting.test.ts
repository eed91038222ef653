// Who a mailing reaches: chosen clients, clients with chosen tags, all the owner's clients, or a mix — resolved when
// each run starts (the deliveries' snapshot), each client once, never another owner's client.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { loadActor, type Actor } from '../../src/access/policy.js';
import { ValidationError } from '../../src/errors.js';
import { clientTags } from '../../src/audience/tags.js';
import { mailingRecipients } from '../../src/mailings/recipients.js';
import type { MailTransport } from '../../src/mail/transport.js';
import type { MailingServices } from '../../src/mailings/start-mailings.js';
import type { Message, User } from '../../src/models/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMessage, createUser } from '../helpers/factories.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { testTransport } from '../helpers/mailing-fixtures.js';
import { testMailingServices } from '../helpers/mailing-services.js';

const DAY = 24 * 3_600_000;

describe('targeting a mailing', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;
  let services: MailingServices;
  let owner: User;
  let actor: Actor;
  let message: Message;

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(async () => {
    // the machine may be busy: these tests are about who is mailed, not about the transport's deadlines
    transport = testTransport(smtp.url, 3, { connectionMs: 10_000, greetingMs: 10_000, socketMs: 10_000, sendMs: 20_000 });
    services = testMailingServices(db(), transport);
    owner = await createUser(db());
    actor = (await loadActor(db().models, owner.id))!;
    message = await createMessage(db(), owner);
  });
  afterEach(async () => {
    await services.close();
    await transport.close();
    smtp.reset();
  });

  /** A mailing that starts tomorrow (nothing is sent until a run is asked for). */
  const later = (audience: { clientIds?: number[]; tagIds?: number[]; audienceAll?: boolean }) => ({
    name: 'Audience test',
    messageId: message.id,
    clientIds: [],
    ...audience,
    startAt: new Date(Date.now() + DAY),
    endAt: new Date(Date.now() + 30 * DAY),
    periodicity: 'daily' as const,
  });

  /** Sends the mailing now and answers the e-mails of its run's deliveries. */
  async function runNow(mailingId: number): Promise<string[]> {
    const { attemptId } = await services.mailings.sendNow(actor, mailingId);
    await services.mailings.drain();
    const rows = await db().sequelize.query<{ email: string }>('SELECT email FROM deliveries WHERE attempt_id = $1 ORDER BY email', {
      bind: [attemptId], type: QueryTypes.SELECT,
    });
    return rows.map((row) => row.email);
  }

  async function tag(user: User, clientIds: number[], name: string): Promise<number> {
    const tags = clientTags(db().sequelize);
    const [found] = await tags.ensure(user.id, [name]);
    await db().sequelize.query('INSERT INTO client_tags (tag_id, client_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING', { bind: [found!.id, clientIds] });
    return found!.id;
  }

  it('when a client is tagged after the tag mailing was created, then the next run reaches it', async () => {
    const first = await createClient(db(), owner, { email: 'first@example.test' });
    const vip = await tag(owner, [first.id], 'vip');
    const mailing = await services.mailings.create(actor, later({ tagIds: [vip] }));
    expect(await runNow(mailing.id)).to.deep.equal(['first@example.test']);

    const late = await createClient(db(), owner, { email: 'late@example.test' });
    await tag(owner, [late.id], 'VIP');
    expect(await runNow(mailing.id)).to.deep.equal(['first@example.test', 'late@example.test']);
    const [late1] = await db().sequelize.query<{ status: string }>(
      "SELECT d.status FROM deliveries d WHERE d.email = 'late@example.test'", { type: QueryTypes.SELECT },
    );
    expect(late1?.status).to.equal('sent');
    expect(smtp.messagesTo('late@example.test')).to.have.length(1);
  });

  it('when a mailing goes to all clients, then a run reaches every client of its owner as they are at the run, and no other owner\'s client', async () => {
    const stranger = await createUser(db());
    await createClient(db(), stranger, { email: 'stranger@example.test' });
    await createClient(db(), owner, { email: 'a@example.test' });
    const mailing = await services.mailings.create(actor, later({ audienceAll: true }));
    await createClient(db(), owner, { email: 'b@example.test' });
    expect(await runNow(mailing.id)).to.deep.equal(['a@example.test', 'b@example.test']);
    expect(smtp.messagesTo('stranger@example.test')).to.have.length(0);
  });

  it('when chosen clients, a tag and "all" overlap, then each client gets one delivery', async () => {
    const a = await createClient(db(), owner, { email: 'a@example.test' });
    const b = await createClient(db(), owner, { email: 'b@example.test' });
    await createClient(db(), owner, { email: 'c@example.test' });
    const vip = await tag(owner, [a.id, b.id], 'vip');
    const mailing = await services.mailings.create(actor, later({ clientIds: [a.id], tagIds: [vip], audienceAll: true }));
    expect(await runNow(mailing.id)).to.deep.equal(['a@example.test', 'b@example.test', 'c@example.test']);
  });

  it('when the mailing names chosen clients and a tag, then the page\'s count is what a run would reach now (each client once)', async () => {
    const a = await createClient(db(), owner, { email: 'a@example.test' });
    const b = await createClient(db(), owner, { email: 'b@example.test' });
    const c = await createClient(db(), owner, { email: 'c@example.test' });
    const vip = await tag(owner, [a.id, b.id], 'vip');
    const mailing = await services.mailings.create(actor, later({ clientIds: [a.id, c.id], tagIds: [vip] }));
    const recipients = mailingRecipients(db().sequelize);
    expect(await recipients.audienceCount(mailing.id)).to.equal(3);
    await tag(owner, [(await createClient(db(), owner)).id], 'vip');
    expect(await recipients.audienceCount(mailing.id)).to.equal(4);
    expect((await recipients.audienceCounts([mailing.id])).get(mailing.id)).to.equal(4);
  });

  it('when a user targets another user\'s tag, then the mailing is refused on the tags field and nothing is saved', async () => {
    const stranger = await createUser(db());
    const theirs = await tag(stranger, [(await createClient(db(), stranger)).id], 'vip');
    let error: unknown;
    try {
      await services.mailings.create(actor, later({ tagIds: [theirs] }));
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).fields).to.deep.equal({ tagIds: 'A chosen tag was not found' });
    expect(await db().models.Mailing.count()).to.equal(0);
  });

  it('when a mailing names no client, no tag and not "all", then it is refused with "Choose at least one client"', async () => {
    let error: unknown;
    try {
      await services.mailings.create(actor, later({}));
    } catch (caught) {
      error = caught;
    }
    expect((error as ValidationError).fields).to.deep.equal({ clientIds: 'Choose at least one client' });
  });

  it('when a mailing changes from chosen clients to all clients, then the change is saved and the next run reaches them all', async () => {
    const a = await createClient(db(), owner, { email: 'a@example.test' });
    await createClient(db(), owner, { email: 'b@example.test' });
    const mailing = await services.mailings.create(actor, later({ clientIds: [a.id] }));
    await services.mailings.update(actor, mailing.id, { audienceAll: true });
    expect((await db().models.Mailing.findByPk(mailing.id))!.audienceAll).to.equal(true);
    await services.planner.drain();
    expect(await runNow(mailing.id)).to.deep.equal(['a@example.test', 'b@example.test']);
  });
});
