// The forms' required marks and their unique and required fields' refusals: a field is marked required only when
// it must be filled in, and a duplicate or a missing value is told on its field with the reason.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn, type AdminClient } from '../helpers/admin-client.js';
import { buildWorld } from './world.js';
import { ru } from '../../admin/locale/ru.js';

interface PropertyState {
  propertyPath: string;
  isRequired: boolean;
}
interface ResourceState {
  id: string;
  editProperties: PropertyState[];
}

/** The form fields of each resource as the back office's page gives them to its scripts (window.REDUX_STATE). */
async function formFields(client: AdminClient): Promise<Map<string, Map<string, boolean>>> {
  const page = await client.get('/admin');
  const json = page.text.match(/window\.REDUX_STATE = (.*);\n/)?.[1];
  expect(json, 'the page carries its state').to.be.a('string');
  const resources = (JSON.parse(json!) as { resources: ResourceState[] }).resources;
  return new Map(resources.map((resource) => [resource.id, new Map(resource.editProperties.map((p) => [p.propertyPath, p.isRequired]))]));
}

describe('the forms\' required fields and their refusals', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);
  const api = '/admin/api/resources';

  it('when the forms are shown, then only the fields that must be filled in are marked required (a client\'s comment and name are not)', async () => {
    await buildWorld(db());
    const fields = await formFields(await loggedIn(app().url, 'admin@example.test'));

    expect(Object.fromEntries(fields.get('clients')!)).to.deep.equal({ email: true, fullName: false, comment: false, tags: false });
    expect(fields.get('users')!.get('email')).to.equal(true);
    expect(fields.get('users')!.get('fullName')).to.equal(false);
    expect(fields.get('users')!.get('senderName')).to.equal(false);
    expect(fields.get('users')!.get('groupIds')).to.equal(false);
    expect(Object.fromEntries(fields.get('groups')!)).to.deep.equal({ name: true, permissions: false, memberIds: false });
    expect(fields.get('mailings')!.get('name')).to.equal(true);
  });

  it('when a client is saved without its comment and name, then it is saved', async () => {
    await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');

    const saved = await user.post(`${api}/clients/actions/new`, { email: 'bare@example.test', fullName: '', comment: '' });

    expect(saved.body.notice.type, JSON.stringify(saved.body.notice)).to.equal('success');
  });

  it('when a group name is taken or empty, then the name field says so', async () => {
    await buildWorld(db());
    await db().models.Group.create({ name: 'auditors', permissions: [] });
    const admin = await loggedIn(app().url, 'admin@example.test');

    const taken = await admin.post(`${api}/groups/actions/new`, { name: 'auditors' });
    const empty = await admin.post(`${api}/groups/actions/new`, { name: '' });

    expect(taken.body.record.errors.name.message).to.equal('A group with this name already exists');
    expect(empty.body.record.errors.name.message).to.equal('A group needs a name');
    expect(await db().models.Group.count({ where: { name: 'auditors' } })).to.equal(1);
  });

  it('when a mailing is renamed to nothing, then the name field says it needs a name and the name stays', async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');
    const before = (await db().models.Mailing.findByPk(world.owned.user.mailing))!.name;

    const refused = await user.post(`${api}/mailings/records/${world.owned.user.mailing}/edit`, { name: '' });

    expect(refused.body.record.errors.name.message).to.equal('Give the mailing a name');
    expect((await db().models.Mailing.findByPk(world.owned.user.mailing))!.name).to.equal(before);
  });

  it('when a Russian-speaking user saves a client with an e-mail they already have, then the e-mail field gives the reason in Russian', async () => {
    const world = await buildWorld(db());
    await world.users.user.update({ language: 'ru' });
    const taken = (await db().models.Client.findByPk(world.owned.user.client))!.email;
    const user = await loggedIn(app().url, 'user@example.test');

    const refused = await user.post(`${api}/clients/actions/new`, { email: taken.toUpperCase() });

    expect(refused.body.record.errors.email.message).to.equal(ru.messages.duplicateClientEmail);
    expect(refused.body.notice.message).to.equal(ru.messages.duplicateClientEmail);
  });

  it('when a Russian-speaking administrator and user leave a group\'s and a mailing\'s name empty, then the name fields say so in Russian', async () => {
    const world = await buildWorld(db());
    await world.users.superuser.update({ language: 'ru' });
    await world.users.user.update({ language: 'ru' });
    const admin = await loggedIn(app().url, 'admin@example.test');
    const user = await loggedIn(app().url, 'user@example.test');

    const group = await admin.post(`${api}/groups/actions/new`, { name: '' });
    const mailing = await user.post(`${api}/mailings/records/${world.owned.user.mailing}/edit`, { name: '' });

    expect(group.body.record.errors.name.message).to.equal(ru.messages.groupNameMissing);
    expect(mailing.body.record.errors.name.message).to.equal(ru.messages.mailingNameMissing);
  });

  it('when a Russian-speaking user sends an empty mailing form, then every field and the notice give the reason in Russian, nothing in English', async () => {
    const world = await buildWorld(db());
    await world.users.user.update({ language: 'ru' });
    const user = await loggedIn(app().url, 'user@example.test');
    const before = await db().models.Mailing.count();

    const refused = await user.post(`${api}/mailings/actions/new`, { periodicity: 'hourly' });

    const errors = refused.body.record.errors;
    expect(errors.name.message).to.equal(ru.messages.mailingNameMissing);
    expect(errors.messageId.message).to.equal(ru.messages.messageChoose);
    expect(errors.clientIds.message).to.equal(ru.messages.clientsChoose);
    expect(errors.startAt.message).to.equal(ru.messages.startAtMissing);
    expect(errors.endAt.message).to.equal(ru.messages.endAtMissing);
    expect(errors.periodicity.message).to.equal(ru.messages.periodicityUnknown);
    expect(refused.body.notice.message).to.contain(ru.messages.startAtMissing).and.to.not.match(/[A-Za-z]{3,}/);
    expect(await db().models.Mailing.count()).to.equal(before);
  });

  it('when a Russian-speaking user gives a mailing an end before its start or a date beyond the range, then the date fields say so in Russian with the dates', async () => {
    const world = await buildWorld(db());
    await world.users.user.update({ language: 'ru' });
    const user = await loggedIn(app().url, 'user@example.test');
    const edit = `${api}/mailings/records/${world.owned.user.mailing}/edit`;

    const backwards = await user.post(edit, { startAt: '2031-05-02T10:00:00.000Z', endAt: '2031-05-01T10:00:00.000Z', periodicity: 'daily' });
    const far = await user.post(edit, { startAt: '9999-01-01T10:00:00.000Z', periodicity: 'daily' });

    expect(backwards.body.record.errors.endAt.message).to.equal(ru.messages.endBeforeStart);
    expect(far.body.record.errors.startAt.message).to.match(/^Выберите дату с \d{4}-\d\d-\d\d по \d{4}-\d\d-\d\d$/);
  });

  it('when a Russian-speaking administrator gives a user a short password or a group an unknown permission, then the fields say so in Russian', async () => {
    const world = await buildWorld(db());
    await world.users.superuser.update({ language: 'ru' });
    const admin = await loggedIn(app().url, 'admin@example.test');

    const user = await admin.post(`${api}/users/actions/new`, { email: 'fresh@example.test', fullName: 'Fresh', password: 'short' });
    const group = await admin.post(`${api}/groups/actions/new`, { name: 'bad', permissions: ['root.everything'] });

    expect(user.body.record.errors.password.message).to.match(/^Используйте не меньше \d+ символов\.$/);
    expect(group.body.record.errors.permissions.message).to.equal('Неизвестное право: root.everything. Выберите из списка.');
    expect(await db().models.User.count({ where: { email: 'fresh@example.test' } })).to.equal(0);
  });

  it('when a Russian-speaking user types an unknown time zone on their profile, then the field says what to choose in Russian and nothing is saved', async () => {
    const world = await buildWorld(db());
    await world.users.user.update({ language: 'ru' });
    const user = await loggedIn(app().url, 'user@example.test');

    const refused = await user.post(`${api}/users/records/${world.users.user.id}/edit`, { timeZone: 'Mars/Olympus' });

    expect(refused.body.record.errors.timeZone.message).to.equal(ru.messages.timeZoneUnknown);
    await world.users.user.reload();
    expect(world.users.user.timeZone).to.equal(null);
  });
});
