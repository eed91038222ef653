// Opt-outs in the engine, against the real SMTP test server and database: every mailing mail carries its personal
// unsubscribe link (RFC 8058 headers and a footer line) and says who it is from and to; unsubscribed and bounced
// clients are recorded `skipped` and sent nothing; a hard bounce marks the client, a soft one does not.
import { expect } from 'chai';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { readUnsubscribeToken, unsubscribe } from '../../src/audience/unsubscribe.js';
import { clearBounce } from '../../src/audience/bounced-clients.js';
import { loadActor } from '../../src/access/policy.js';
import type { MailTransport } from '../../src/mail/transport.js';
import type { Client, Mailing, User } from '../../src/models/index.js';
import { runMailing, type RunOutcome } from '../../src/sending/run-mailing.js';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMailingRow, createMessage, createUser } from '../helpers/factories.js';
import { deliveriesOf, linkAllClients, mailingTo, TEST_IDENTITY, testEngine, testTransport } from '../helpers/mailing-fixtures.js';
import { sharedSmtpTestServer, type ReceivedMail, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { until } from '../helpers/run-checks.js';

describe('opt-outs when sending', function () {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;
  let slotCounter = 0;

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

  async function run(mailingId: number): Promise<Extract<RunOutcome, { kind: 'done' }>> {
    // a new slot each call: each call is a new run
    const scheduledFor = new Date(Date.UTC(2026, 10, 22, 9, 0, slotCounter++));
    const outcome = await runMailing(testEngine(db(), transport), mailingId, { scheduledFor, trigger: 'cli' });
    expect(outcome.kind).to.equal('done');
    return outcome as Extract<RunOutcome, { kind: 'done' }>;
  }

  const parse = (mail: ReceivedMail): Promise<ParsedMail> => simpleParser(mail.raw);
  const first = (address: AddressObject | AddressObject[] | undefined) => (Array.isArray(address) ? address[0] : address)!.value[0]!;

  /** A second mailing of the owner to the given clients. */
  async function anotherMailing(owner: User, clients: Client[]): Promise<Mailing> {
    const message = await createMessage(db(), owner, { subject: 'Second news', body: 'Again.' });
    return createMailingRow(db(), owner, { message, clients, startAt: new Date(Date.now() - 60_000) });
  }

  const clientRow = async (email: string, ownerId: number): Promise<Client> =>
    (await db().models.Client.findOne({ where: { email, ownerId } }))!;

  describe('the unsubscribe link', () => {
    it('when a mailing is sent, then every mail has a well-formed List-Unsubscribe (the APP_URL link of its own client and owner), List-Unsubscribe-Post and the same link in its footer', async () => {
      const { owner, mailing, emails } = await mailingTo(db(), 4);
      const outcome = await run(mailing.id);
      expect(outcome).to.include({ status: 'success', sent: 4 });

      for (const email of emails) {
        const [mail] = smtp.messagesTo(email);
        expect(mail, email).to.not.equal(undefined);
        const parsed = await parse(mail!);
        expect(mail!.headers['list-unsubscribe-post'], email).to.equal('List-Unsubscribe=One-Click');
        expect(mail!.headers['list-unsubscribe']).to.match(/^<http:\/\/mailing\.test\/unsubscribe\/[0-9]+\.[0-9]+\.[A-Za-z0-9_-]{43}>$/);
        const url = /^<(.*)>$/.exec(mail!.headers['list-unsubscribe']!)![1]!;
        const token = url.slice(url.lastIndexOf('/') + 1);
        const client = await clientRow(email, owner.id);
        expect(readUnsubscribeToken(TEST_IDENTITY.unsubscribeSecret, token)).to.deep.equal({ clientId: client.id, ownerId: owner.id });
        // mailparser reads the List-* headers too
        const list = parsed.headers.get('list') as { unsubscribe?: { url?: string }; 'unsubscribe-post'?: { name?: string } };
        expect(list.unsubscribe?.url).to.equal(url);
        expect(list['unsubscribe-post']?.name).to.equal('List-Unsubscribe=One-Click');
        expect(parsed.text).to.include(`Unsubscribe / Отписаться: ${url}`);
        expect(parsed.text).to.include('Hello from the tests.');
      }
    });

    it('when a client unsubscribed through its link, then the next mailing of the same owner records it skipped (unsubscribed) and sends it nothing', async () => {
      const { owner, mailing, emails } = await mailingTo(db(), 3);
      await run(mailing.id);
      const [target] = emails;
      const url = /^<(.*)>$/.exec(smtp.messagesTo(target!)[0]!.headers['list-unsubscribe']!)![1]!;
      const done = await unsubscribe(db().sequelize, TEST_IDENTITY.unsubscribeSecret, url.slice(url.lastIndexOf('/') + 1));
      expect(done.kind).to.equal('found');
      smtp.reset();

      const clients = await db().models.Client.findAll({ where: { ownerId: owner.id }, order: [['id', 'ASC']] });
      const second = await anotherMailing(owner, clients);
      const outcome = await run(second.id);

      expect(outcome).to.include({ status: 'success', total: 3, sent: 2, failed: 0 });
      expect(smtp.messagesTo(target!)).to.have.length(0);
      const rows = await deliveriesOf(db(), outcome.attemptId);
      expect(rows.get(target!)).to.include({ status: 'skipped', tries: 0 });
      const [skipped] = await db().sequelize.query<{ skip_reason: string }>(
        'SELECT skip_reason FROM deliveries WHERE attempt_id = $1 AND email = $2',
        { bind: [outcome.attemptId, target], type: 'SELECT' as never },
      );
      expect(skipped!.skip_reason).to.equal('unsubscribed');
      expect(smtp.messagesTo(emails[1]!)).to.have.length(1);
      expect(smtp.messagesTo(emails[2]!)).to.have.length(1);
    });

    it('when a client unsubscribes while a run is sending (after its snapshot), then the run skips it when its turn comes', async () => {
      const { owner, mailing, emails } = await mailingTo(db(), 3);
      smtp.delayMessages(300);
      const engine = testEngine(db(), transport, { batchSize: 1, concurrency: 1 });
      const running = runMailing(engine, mailing.id, { scheduledFor: new Date(Date.UTC(2026, 10, 23, 9)), trigger: 'cli' });
      await until(async () => (await db().models.Delivery.count({ where: { email: emails[0] } })) > 0, 5000, 'the snapshot');
      await db().models.Client.update({ unsubscribedAt: new Date() }, { where: { email: emails[2], ownerId: owner.id } });
      const outcome = (await running) as Extract<RunOutcome, { kind: 'done' }>;

      expect(outcome).to.include({ status: 'success', total: 3, sent: 2, skipped: 1 });
      expect(smtp.messagesTo(emails[2]!)).to.have.length(0);
      expect((await deliveriesOf(db(), outcome.attemptId)).get(emails[2]!)).to.include({ status: 'skipped', tries: 0 });
    });

    it("when a client unsubscribed from one owner, then another owner's mailing to the same address still reaches it", async () => {
      const { owner, mailing, emails } = await mailingTo(db(), 1);
      await run(mailing.id);
      const client = await clientRow(emails[0]!, owner.id);
      await client.update({ unsubscribedAt: new Date() });
      smtp.reset();

      const otherOwner = await createUser(db());
      const twin = await createClient(db(), otherOwner, { email: emails[0]! });
      const theirs = await anotherMailing(otherOwner, [twin]);
      const outcome = await run(theirs.id);

      expect(outcome).to.include({ status: 'success', sent: 1 });
      expect(smtp.messagesTo(emails[0]!)).to.have.length(1);
    });
  });

  describe('bounces', () => {
    it('when the server answers 550 5.1.1 for a recipient, then its client is marked bounced with the server text and the next run skips it (bounced) until the owner clears the mark', async () => {
      const { owner, mailing, emails } = await mailingTo(db(), 3);
      const text = '5.1.1 <someone>: Recipient address rejected: User unknown in local recipient table';
      smtp.refuseRecipient(emails[1]!, 550, text);
      const outcome = await run(mailing.id);
      expect(outcome).to.include({ sent: 2, failed: 1 });

      const bounced = await clientRow(emails[1]!, owner.id);
      expect(bounced.bouncedAt).to.be.instanceOf(Date);
      expect(bounced.bounceResponse).to.equal(`550 ${text}`);
      expect((await clientRow(emails[0]!, owner.id)).bouncedAt).to.equal(null);

      smtp.reset();
      const again = await run(mailing.id);
      expect(again).to.include({ status: 'success', total: 3, sent: 2, failed: 0 });
      expect(smtp.rcptAttempts(emails[1]!)).to.equal(0);
      const [row] = await db().sequelize.query<{ status: string; skip_reason: string }>(
        'SELECT status, skip_reason FROM deliveries WHERE attempt_id = $1 AND email = $2',
        { bind: [again.attemptId, emails[1]], type: 'SELECT' as never },
      );
      expect(row).to.deep.equal({ status: 'skipped', skip_reason: 'bounced' });

      await clearBounce(db().models, (await loadActor(db().models, owner.id))!, bounced.id);
      smtp.reset();
      const cleared = await run(mailing.id);
      expect(cleared).to.include({ sent: 3 });
      expect(smtp.messagesTo(emails[1]!)).to.have.length(1);
    });

    it('when the server answers 452 or 451 (temporary) until the tries run out, then the delivery fails and the client is not marked', async () => {
      const { owner, mailing, emails } = await mailingTo(db(), 2);
      smtp.refuseRecipient(emails[0]!, 452, '4.2.2 Mailbox full, try again later');
      smtp.refuseRecipient(emails[1]!, 451, '4.3.0 Mailbox busy');
      const outcome = await run(mailing.id);

      expect(outcome).to.include({ failed: 2 });
      for (const email of emails) expect((await clientRow(email, owner.id)).bouncedAt, email).to.equal(null);
    });

    it('when the server refuses for policy (550 5.7.1 spam) or a full mailbox (552 5.2.2), then the delivery fails and the client is not marked', async () => {
      const { owner, mailing, emails } = await mailingTo(db(), 2);
      smtp.refuseRecipient(emails[0]!, 550, '5.7.1 Message rejected under suspicion of SPAM');
      smtp.refuseRecipient(emails[1]!, 552, '5.2.2 Mailbox size limit exceeded');
      const outcome = await run(mailing.id);

      expect(outcome).to.include({ failed: 2 });
      for (const email of emails) expect((await clientRow(email, owner.id)).bouncedAt, email).to.equal(null);
    });
  });

  describe('who a mail is from and to', () => {
    it('when the owner has a Cyrillic sender name and the client a Cyrillic full name, then mailparser reads From (name + MAIL_FROM address), To (name + address) and Reply-To (the owner) back exactly', async () => {
      const owner = await createUser(db(), { email: 'owner@example.test', fullName: 'Анна Владелица' });
      await owner.update({ senderName: 'Цветочный магазин «Ромашка»' });
      const client = await createClient(db(), owner, { email: 'ivan@example.test', fullName: 'Иван Петров' });
      const mailing = await anotherMailing(owner, [client]);
      await run(mailing.id);

      const parsed = await parse(smtp.messagesTo('ivan@example.test')[0]!);
      expect(first(parsed.from)).to.deep.include({ name: 'Цветочный магазин «Ромашка»', address: 'no-reply@mailing.test' });
      expect(first(parsed.to)).to.deep.include({ name: 'Иван Петров', address: 'ivan@example.test' });
      expect(first(parsed.replyTo)).to.deep.include({ address: 'owner@example.test' });
    });

    it('when the owner has no sender name, then From carries their full name', async () => {
      const owner = await createUser(db(), { fullName: 'Maria Example' });
      const client = await createClient(db(), owner);
      const mailing = await anotherMailing(owner, [client]);
      await run(mailing.id);

      const parsed = await parse(smtp.messagesTo(client.email)[0]!);
      expect(first(parsed.from)).to.deep.include({ name: 'Maria Example', address: 'no-reply@mailing.test' });
    });

    it('when a client name and a sender name hold "\\r\\nBcc: x@y", then no Bcc header or extra recipient appears and only the client receives the mail', async () => {
      const owner = await createUser(db());
      // written past the model's checks, as an import or an old row might hold them
      await db().sequelize.query(`UPDATE users SET sender_name = $2 WHERE id = $1`, { bind: [owner.id, 'Shop\r\nBcc: sender-victim@example.test'] });
      const client = await createClient(db(), owner, { email: 'target@example.test' });
      await db().sequelize.query(`UPDATE clients SET full_name = $2 WHERE id = $1`, { bind: [client.id, 'Ann\r\nBcc: victim@example.test\r\nX-Injected: yes'] });
      const mailing = await anotherMailing(owner, [client]);
      const outcome = await run(mailing.id);
      expect(outcome).to.include({ sent: 1 });

      expect(smtp.messages).to.have.length(1);
      const [mail] = smtp.messages;
      expect(mail!.envelopeTo).to.deep.equal(['target@example.test']);
      expect(mail!.headers).to.not.have.property('bcc');
      expect(mail!.headers).to.not.have.property('x-injected');
      expect(mail!.raw.split('\r\n\r\n')[0]).to.not.match(/^(Bcc|X-Injected):/im);
      const parsed = await parse(mail!);
      expect(parsed.bcc).to.equal(undefined);
      expect(first(parsed.to).address).to.equal('target@example.test');
      expect(first(parsed.to).name).to.equal('Ann Bcc: victim@example.test X-Injected: yes');
      expect(smtp.messagesTo('victim@example.test')).to.have.length(0);
      expect(smtp.messagesTo('sender-victim@example.test')).to.have.length(0);
    });
  });

  it('when a run skips clients, then its attempt says how many and why, and counts as a success when the rest went out', async () => {
    const { owner, mailing, emails } = await mailingTo(db(), 3);
    await db().models.Client.update({ unsubscribedAt: new Date() }, { where: { email: emails[0], ownerId: owner.id } });
    await db().models.Client.update({ bouncedAt: new Date(), bounceResponse: '550 5.1.1 unknown' }, { where: { email: emails[1], ownerId: owner.id } });
    await linkAllClients(db(), mailing);
    const outcome = await run(mailing.id);

    expect(outcome).to.include({ status: 'success', total: 3, sent: 1, failed: 0, skipped: 2 });
    const attempt = await db().models.Attempt.findByPk(outcome.attemptId);
    expect(attempt!.serverResponse).to.include('2 skipped (1 unsubscribed, 1 bounced)');
  });
});
