// The mails a mailing sends, as a mail client reads them (parsed with mailparser from what the real SMTP server
// received): multipart/alternative, both parts personalised per recipient, Cyrillic encoded right, nothing of the
// XSS payloads left in the HTML.
import { expect } from 'chai';
import { simpleParser, type ParsedMail } from 'mailparser';
import { loadActor } from '../../src/access/policy.js';
import type { MailTransport } from '../../src/mail/transport.js';
import type { MailingServices } from '../../src/mailings/start-mailings.js';
import { createMessageService } from '../../src/messages/message-service.js';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createUser } from '../helpers/factories.js';
import { testTransport } from '../helpers/mailing-fixtures.js';
import { testMailingServices } from '../helpers/mailing-services.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { XSS_PAYLOADS } from './xss-payloads.js';

const HOUR = 3_600_000;

describe('the mails of a mailing', function () {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;
  let services: MailingServices;

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(() => {
    transport = testTransport(smtp.url);
    services = testMailingServices(db(), transport);
  });
  afterEach(async () => {
    await services.close();
    await transport.close();
    smtp.reset();
  });

  it('when a personalised HTML message is sent, then each recipient gets multipart/alternative with their own name in the subject and both parts, Cyrillic intact, and no XSS payload', async () => {
    const owner = await createUser(db());
    const actor = (await loadActor(db().models, owner.id))!;
    const anna = await createClient(db(), owner, { fullName: 'Анна Петрова', email: 'anna@example.test', comment: 'постоянный клиент' });
    const boris = await createClient(db(), owner, { fullName: 'Борис «Бо» <b>Смирнов</b>', email: 'boris@example.test' });
    const nobody = await createClient(db(), owner, { fullName: '', email: 'noname@example.test' });
    const messages = createMessageService({ models: db().models, transport });
    const message = await messages.create(actor, {
      subject: 'Скидки для {{ name | default: "друга" }}',
      html: `<h1>Здравствуйте, {{ name | default: "друг" }}!</h1><p>{{ comment }}</p>${XSS_PAYLOADS.map((p) => p.html).join('')}`,
    });

    await services.mailings.create(actor, {
      name: 'Зимняя рассылка', messageId: message.id, clientIds: [anna.id, boris.id, nobody.id],
      startAt: new Date(Date.now() - HOUR), endAt: null, periodicity: 'once',
    });
    await smtp.waitForMessages(3, 5000);
    await services.planner.drain();

    const parsed = new Map<string, ParsedMail>();
    for (const mail of smtp.messages) parsed.set(mail.envelopeTo[0]!, await simpleParser(mail.raw));
    for (const mail of smtp.messages) expect(mail.raw).to.match(/^Content-Type: multipart\/alternative;/m);

    const toAnna = parsed.get('anna@example.test')!;
    expect(toAnna.subject).to.equal('Скидки для Анна Петрова');
    expect(toAnna.text).to.contain('Здравствуйте, Анна Петрова!').and.contain('постоянный клиент');
    expect(toAnna.html).to.contain('<h1>Здравствуйте, Анна Петрова!</h1>').and.contain('<p>постоянный клиент</p>');

    const toBoris = parsed.get('boris@example.test')!;
    expect(toBoris.subject).to.equal('Скидки для Борис «Бо» <b>Смирнов</b>');
    // in the HTML part the name is text, never markup
    expect(toBoris.html).to.contain('Здравствуйте, Борис «Бо» &lt;b&gt;Смирнов&lt;/b&gt;!');
    expect(toBoris.text).to.contain('Здравствуйте, Борис «Бо» <b>Смирнов</b>!');

    const toNobody = parsed.get('noname@example.test')!;
    expect(toNobody.subject).to.equal('Скидки для друга');
    expect(toNobody.text).to.contain('Здравствуйте, друг!');

    for (const mail of parsed.values()) {
      for (const { html, forbidden } of XSS_PAYLOADS) expect(mail.html as string, html).not.to.match(forbidden);
    }
  });

  it('when a message has no HTML (stored before HTML bodies), then it goes out as plain text only: the personalised text and the unsubscribe footer', async () => {
    const owner = await createUser(db());
    const actor = (await loadActor(db().models, owner.id))!;
    const client = await createClient(db(), owner, { fullName: 'Анна' });
    const message = await db().models.Message.create({ ownerId: owner.id, subject: 'Plain', body: 'Just text for {{ name }}' });
    await services.mailings.create(actor, { name: 'Plain', messageId: message.id, clientIds: [client.id], startAt: new Date(Date.now() - HOUR), endAt: null, periodicity: 'once' });
    await smtp.waitForMessages(1, 5000);
    await services.planner.drain();
    const parsed = await simpleParser(smtp.messages[0]!.raw);
    expect(smtp.messages[0]!.raw).to.match(/^Content-Type: text\/plain/m);
    // the personalised text, then the unsubscribe footer every mailing mail carries (src/audience/mail-identity.ts)
    expect(parsed.text?.trim()).to.match(/^Just text for Анна\n\n-- \nUnsubscribe \/ Отписаться: http:\/\/\S+\/unsubscribe\/\S+$/);
    expect(parsed.html).to.equal(false);
  });
});
