// The mailing form through the JSON API: validation messages next to the fields, the user's own message and
// clients only, and a mailing whose window is open being sent at once (to the real SMTP test server).
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { loggedIn, type AdminClient } from '../helpers/admin-client.js';
import { SmtpTestServer } from '../helpers/smtp-test-server.js';
import { buildWorld, type World } from './world.js';

const HOUR = 3600_000;
const NEW = '/admin/api/resources/mailings/actions/new';

describe('the mailing form', () => {
  const db = useTestDatabase();
  let app: TestApp;
  let smtp: SmtpTestServer;
  let world: World;
  let user: AdminClient;

  before(async () => {
    smtp = await SmtpTestServer.start();
    app = await startTestApp({ db: db(), smtp });
  });
  after(async () => {
    await app?.stop();
    await smtp?.stop();
  });
  beforeEach(async () => {
    smtp.reset();
    world = await buildWorld(db());
    user = await loggedIn(app.url, 'user@example.test');
  });

  const valid = (overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> => ({
    name: 'Weekly news',
    messageId: String(world.owned.user.message),
    clientIds: [String(world.owned.user.client)],
    startAt: new Date(Date.now() + 24 * HOUR).toISOString(),
    endAt: new Date(Date.now() + 72 * HOUR).toISOString(),
    periodicity: 'daily',
    ...overrides,
  });

  it('when the form is empty, then each field says what is missing and nothing is saved', async () => {
    const before = await db().models.Mailing.count();

    const response = await user.post(NEW, { periodicity: 'hourly' });

    const errors = response.body.record.errors;
    expect(errors.name.message).to.equal('Give the mailing a name');
    expect(errors.messageId.message).to.equal('Choose a message');
    expect(errors.clientIds.message).to.equal('Choose at least one client');
    expect(errors.startAt.message).to.equal('Enter when the first send happens');
    expect(errors.endAt.message).to.equal('Enter when the mailing ends');
    expect(errors.periodicity.message).to.equal('Periodicity must be once, daily, weekly or monthly');
    expect(await db().models.Mailing.count()).to.equal(before);
  });

  it('when the end is before the start, then the end field says so', async () => {
    const response = await user.post(NEW, valid({ endAt: new Date(Date.now() + HOUR).toISOString() }));

    expect(response.body.record.errors.endAt.message).to.equal('The end must be after the start');
  });

  it("when the form names another user's message or client, then they are 'not found' and nothing is saved", async () => {
    const before = await db().models.Mailing.count();

    const response = await user.post(NEW, valid({ messageId: String(world.owned.user2.message), clientIds: [String(world.owned.user.client), String(world.owned.user2.client)] }));

    expect(response.body.record.errors.messageId.message).to.equal('The chosen message was not found');
    expect(response.body.record.errors.clientIds.message).to.equal('A chosen client was not found');
    expect(await db().models.Mailing.count()).to.equal(before);
  });

  it('when a valid mailing is saved for later, then it is created, owned by the user, with its clients and not sent', async () => {
    const second = await db().models.Client.create({ ownerId: world.users.user.id, email: 'second@example.test' });

    const response = await user.post(NEW, valid({ clientIds: [String(world.owned.user.client), String(second.id)], ownerId: String(world.users.user2.id) }));

    expect(response.body.notice.type, JSON.stringify(response.body.record?.errors)).to.equal('success');
    const mailing = await db().models.Mailing.findByPk(Number(response.body.record.params.id));
    expect(mailing!.ownerId).to.equal(world.users.user.id);
    expect(mailing!.status).to.equal('created');
    const links = await db().models.MailingClient.findAll({ where: { mailingId: mailing!.id } });
    expect(links.map((l) => l.clientId).sort()).to.deep.equal([world.owned.user.client, second.id].sort());
    expect(smtp.messages).to.have.length(0);
  });

  it("when the picker sends the chosen clients as one field '12,15', then the mailing gets exactly those clients", async () => {
    const second = await db().models.Client.create({ ownerId: world.users.user.id, email: 'second@example.test' });

    const response = await user.post(NEW, valid({ clientIds: `${world.owned.user.client},${second.id}` }));

    expect(response.body.notice.type, JSON.stringify(response.body.record?.errors)).to.equal('success');
    const links = await db().models.MailingClient.findAll({ where: { mailingId: Number(response.body.record.params.id) } });
    expect(links.map((l) => l.clientId).sort((a, b) => a - b)).to.deep.equal([world.owned.user.client, second.id].sort((a, b) => a - b));
  });

  it("when the one clientIds field is a JSON array '[12,15]', then the mailing gets exactly those clients", async () => {
    const second = await db().models.Client.create({ ownerId: world.users.user.id, email: 'second@example.test' });

    const response = await user.post(NEW, valid({ clientIds: JSON.stringify([world.owned.user.client, second.id]) }));

    expect(response.body.notice.type, JSON.stringify(response.body.record?.errors)).to.equal('success');
    const links = await db().models.MailingClient.findAll({ where: { mailingId: Number(response.body.record.params.id) } });
    expect(links.map((l) => l.clientId).sort((a, b) => a - b)).to.deep.equal([world.owned.user.client, second.id].sort((a, b) => a - b));
  });

  it('when the one clientIds field names ids beyond any client (99999999999, 1e20), then the field says not found and nothing is saved', async () => {
    const before = await db().models.Mailing.count();

    const response = await user.post(NEW, valid({ clientIds: `${world.owned.user.client},99999999999,100000000000000000000` }));

    expect(response.status).to.equal(200);
    expect(response.body.record.errors.clientIds.message).to.equal('A chosen client was not found');
    expect(await db().models.Mailing.count()).to.equal(before);
  });

  it('when the one clientIds field holds something that is not an id, then the field says so and nothing is saved', async () => {
    const before = await db().models.Mailing.count();

    const response = await user.post(NEW, valid({ clientIds: `${world.owned.user.client},12abc` }));

    expect(response.body.record.errors.clientIds.message).to.equal('A chosen client is not valid');
    expect(await db().models.Mailing.count()).to.equal(before);
  });

  it('when the mailings list is opened, then each row carries its number of recipients and no id array', async () => {
    const response = await user.get('/admin/api/resources/mailings/actions/list');

    const row = response.body.records.find((record: { id: string }) => Number(record.id) === world.owned.user.mailing);
    expect(row.params.recipientsCount).to.equal(1);
    expect(Object.keys(row.params).filter((key) => key.startsWith('clientIds'))).to.deep.equal([]);
  });

  it("when the picker asks for a mailing's recipients, then its owner and a manager get them named, another user and a content manager nothing", async () => {
    const url = `/admin/api/resources/mailings/records/${world.owned.user.mailing}/recipients`;
    const client = await db().models.Client.findByPk(world.owned.user.client);
    const answers = {
      owner: await user.get(url),
      manager: await (await loggedIn(app.url, 'manager@example.test')).get(url),
      other: await (await loggedIn(app.url, 'user2@example.test')).get(url),
      content: await (await loggedIn(app.url, 'content@example.test')).get(url),
    };

    expect(answers.owner.body.recipients).to.deep.equal([{ id: client!.id, label: client!.fullName ? `${client!.fullName} <${client!.email}>` : client!.email }]);
    expect(answers.manager.body.recipients).to.have.length(1);
    for (const answer of [answers.other, answers.content]) {
      expect(answer.body.record.baseError.type, answer.text.slice(0, 200)).to.equal('NotFoundError');
      expect(answer.body?.recipients).to.equal(undefined);
      expect(answer.text).not.to.contain(client!.email);
    }
  });

  it('when a mailing is saved with its window open, then it is sent at once to every client', async () => {
    const second = await db().models.Client.create({ ownerId: world.users.user.id, email: 'second@example.test' });
    const message = await db().models.Message.findByPk(world.owned.user.message);

    const response = await user.post(NEW, valid({ clientIds: [String(world.owned.user.client), String(second.id)], startAt: new Date(Date.now() - 60_000).toISOString() }));

    expect(response.body.notice.type, JSON.stringify(response.body.record?.errors)).to.equal('success');
    const mails = await smtp.waitForMessages(2, 5000);
    expect(mails.map((m) => m.envelopeTo[0]).sort()).to.deep.equal([(await db().models.Client.findByPk(world.owned.user.client))!.email, 'second@example.test'].sort());
    expect(mails[0]!.subject).to.equal(message!.subject);
    const mailing = await db().models.Mailing.findByPk(Number(response.body.record.params.id));
    expect(mailing!.status).to.equal('running');
  });

  it('when the show page is opened, then it carries the message, the clients, status, runs and latest attempts', async () => {
    const response = await user.get(`/admin/api/resources/mailings/records/${world.owned.user.mailing}/show`);

    const params = response.body.record.params;
    const message = await db().models.Message.findByPk(world.owned.user.message);
    const client = await db().models.Client.findByPk(world.owned.user.client);
    expect(params.messageSubject).to.equal(message!.subject);
    expect(params.recipients).to.contain(client!.email);
    expect(params.clientIds).to.equal(String(world.owned.user.client)); // one value, not clientIds.0, clientIds.1, …
    expect(params.recipients).to.match(/^1 client: /);
    expect(params.status).to.equal('created');
    expect(params.latestAttempts).to.contain('delivered').and.contain('250 2.0.0 OK');
    expect(params).to.have.property('nextRunAt');
  });

  it('when the owner edits the schedule, then the engine validates it too', async () => {
    const id = world.owned.user.mailing;
    const response = await user.post(`/admin/api/resources/mailings/records/${id}/edit`, { endAt: new Date(Date.now() - 48 * HOUR).toISOString() });

    expect(response.body.record.errors.endAt.message).to.equal('The end must be after the start');
  });
});
