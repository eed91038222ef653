// Messages in the back office through its JSON API: saving checks the templates and the HTML (field messages in
// the reader's language), the preview is scoped to the owner's clients, "send a test to me" reaches only the
// logged-in user and is rate-limited.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { AdminClient, loggedIn } from '../helpers/admin-client.js';
import { sharedSmtpTestServer, SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createClient, createMessage, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { TEST_SEND_LIMIT } from '../../src/messages/message-service.js';

describe('messages in the back office', () => {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  // the app sends to the shared SMTP test server (its URL is known once it runs)
  const app = useTestApp(db, { get smtp() { return smtp; } } as never);
  afterEach(() => smtp.reset());

  const action = (id: number | string, name: string) => `/admin/api/resources/messages/records/${id}/${name}`;

  async function russian(email: string): Promise<AdminClient> {
    const client = new AdminClient(app().url, { 'accept-language': 'ru-RU,ru;q=0.9' });
    const response = await client.login(email, TEST_PASSWORD);
    expect(response.status).to.equal(302);
    return client;
  }

  it('when a message is created with HTML and a variable, then it is stored sanitised with a text part made from it', async () => {
    const owner = await createUser(db(), { email: 'writer@example.test' });
    const browser = await loggedIn(app().url, owner.email);
    const response = await browser.post('/admin/api/resources/messages/actions/new', {
      subject: 'Hello {{ name }}',
      html: '<h1>Hi {{ name | default: "friend" }}</h1><p onclick="x()">Read <a href="https://a.test/">this</a><script>alert(1)</script></p>',
      textCustom: 'false',
      body: '',
    });
    expect(response.body.record?.errors ?? {}).to.deep.equal({});
    const stored = await db().models.Message.findOne({ where: { ownerId: owner.id } });
    expect(stored!.html).to.equal('<h1>Hi {{ name | default: "friend" }}</h1><p>Read <a href="https://a.test/">this</a></p>');
    expect(stored!.body).to.equal('Hi {{ name | default: "friend" }}\n\nRead this [https://a.test/]');
    expect(stored!.textCustom).to.equal(false);
  });

  it('when the template has a syntax error or an unknown variable, then the save is refused with line and reason on the fields, in English and in Russian', async () => {
    await createUser(db(), { email: 'writer@example.test' });
    const english = await loggedIn(app().url, 'writer@example.test');
    const payload = { subject: 'Hi {{ name', html: '<p>ok</p>\n<p>{{ first_name }}</p>', textCustom: 'false', body: '' };
    const refused = await english.post('/admin/api/resources/messages/actions/new', payload);
    expect(refused.body.record.errors).to.deep.equal({
      subject: { message: 'Line 1: the template cannot be read: output "{{ name" not closed' },
      html: { message: 'Line 2: unknown variable "first_name". You can use: name, email, comment, unsubscribe_url' },
    });
    const ru = await russian('writer@example.test');
    const refusedRu = await ru.post('/admin/api/resources/messages/actions/new', payload);
    expect(refusedRu.body.record.errors.html).to.deep.equal({ message: 'Строка 2: неизвестная переменная «first_name». Можно использовать: name, email, comment, unsubscribe_url' });
    expect(refusedRu.body.record.errors.subject.message).to.match(/^Строка 1: шаблон не удаётся прочитать/);
    expect(await db().models.Message.count()).to.equal(0);
  });

  it('when a template reaches for the environment or includes a file, or an image is pasted as data:, then the save is refused and nothing changes', async () => {
    const owner = await createUser(db(), { email: 'writer@example.test' });
    const message = await createMessage(db(), owner, { subject: 'Before' });
    const browser = await loggedIn(app().url, owner.email);
    const edit = (fields: Record<string, string>) => browser.post(action(message.id, 'edit'), { subject: 'After', html: '<p>x</p>', textCustom: 'false', body: '', ...fields });
    expect((await edit({ html: '<p>{{ process.env.SESSION_SECRET }}</p>' })).body.record.errors.html.message).to.equal(
      'Line 1: unknown variable "process.env.SESSION_SECRET". You can use: name, email, comment, unsubscribe_url',
    );
    expect((await edit({ html: '<p>{% include "/etc/passwd" %}</p>' })).body.record.errors.html.message).to.equal('Line 1: the tag "include" is not allowed in a message');
    expect((await edit({ html: `<p><img src="data:image/png;base64,${'A'.repeat(300_000)}"></p>` })).body.record.errors.html.message).to.match(/^The message holds 1 pasted image/);
    expect((await edit({ textCustom: 'true', body: 'Hi {{ nmae }}' })).body.record.errors.body.message).to.match(/unknown variable "nmae"/);
    expect((await message.reload()).subject).to.equal('Before');
  });

  it("when the owner previews for one of their clients, then subject, HTML and text are rendered for that client; another user's client is not found", async () => {
    const owner = await createUser(db(), { email: 'writer@example.test' });
    const other = await createUser(db(), { email: 'other@example.test' });
    const anna = await createClient(db(), owner, { fullName: 'Анна', email: 'anna@example.test' });
    const theirs = await createClient(db(), other, { fullName: 'Not yours' });
    const message = await db().models.Message.create({ ownerId: owner.id, subject: 'Для {{ name }}', html: '<p>Hi {{ name | default: "friend" }}</p>', body: 'Hi {{ name | default: "friend" }}' });
    const browser = await loggedIn(app().url, owner.email);

    const forAnna = await browser.get(`${action(message.id, 'preview')}?clientId=${anna.id}`);
    expect(forAnna.body.preview).to.deep.include({ subject: 'Для Анна', html: '<p>Hi Анна</p>', text: 'Hi Анна', clientId: anna.id });
    expect(forAnna.body.clients).to.deep.equal([{ id: anna.id, label: 'Анна <anna@example.test>' }]);
    const sample = await browser.get(action(message.id, 'preview'));
    expect(sample.body.preview).to.deep.include({ subject: 'Для Alex Sample', clientId: null });
    const guessed = await browser.get(`${action(message.id, 'preview')}?clientId=${theirs.id}`);
    expect(guessed.body.preview).to.equal(undefined);
    expect(JSON.stringify(guessed.body)).not.to.contain('Not yours');
    // and the other user cannot preview the owner's message at all
    const intruder = await loggedIn(app().url, other.email);
    const theirPreview = await intruder.get(action(message.id, 'preview'));
    expect(theirPreview.body.preview).to.equal(undefined);
  });

  it('when the user sends a test, then only their own address gets the rendered message, and the sixth within ten minutes is refused with a clear message', async () => {
    const owner = await createUser(db(), { email: 'writer@example.test' });
    const anna = await createClient(db(), owner, { fullName: 'Анна', email: 'anna@example.test' });
    const message = await db().models.Message.create({ ownerId: owner.id, subject: 'Для {{ name }}', html: '<p>Hi {{ name }}</p>', body: 'Hi {{ name }}' });
    const browser = await loggedIn(app().url, owner.email);

    const sent = await browser.post(action(message.id, 'sendTest'), { clientId: String(anna.id) });
    expect(sent.body.notice).to.deep.equal({ message: 'A test was sent to writer@example.test.', type: 'success' });
    expect(smtp.messages).to.have.length(1);
    expect(smtp.messages[0]!.envelopeTo).to.deep.equal(['writer@example.test']);
    expect(smtp.messages[0]!.subject).to.equal('[TEST] Для Анна');
    expect(smtp.messages[0]!.html).to.contain('<p>Hi Анна</p>');
    expect(smtp.messagesTo('anna@example.test')).to.have.length(0);
    // recorded apart from the reports: no attempt, no delivery
    expect(await db().models.Attempt.count()).to.equal(0);

    for (let i = 1; i < TEST_SEND_LIMIT; i += 1) expect((await browser.post(action(message.id, 'sendTest'))).body.notice.type).to.equal('success');
    const refused = await browser.post(action(message.id, 'sendTest'));
    expect(refused.body.notice).to.deep.equal({ message: `You have sent ${TEST_SEND_LIMIT} tests in the last 10 minutes. You can send the next one in 10 minute(s).`, type: 'error' });
    expect(smtp.messages).to.have.length(TEST_SEND_LIMIT);
  });

  it("when another user posts a test send of someone else's message, then nothing is sent", async () => {
    const owner = await createUser(db(), { email: 'writer@example.test' });
    await createUser(db(), { email: 'other@example.test' });
    const message = await createMessage(db(), owner);
    const intruder = await loggedIn(app().url, 'other@example.test');
    const response = await intruder.post(action(message.id, 'sendTest'));
    expect(response.body.notice?.type ?? 'error').to.equal('error');
    expect(smtp.messages).to.have.length(0);
  });
});
