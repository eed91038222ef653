// Custom actions through the JSON API: disable / enable / send now on mailings, block / unblock on users, with
// the policy deciding on each record (checked on the body and in the database).
import { expect } from 'chai';
import { Op } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { AdminClient, loggedIn } from '../helpers/admin-client.js';
import { buildWorld } from './world.js';
import { en } from '../../admin/locale/en.js';
import { ru } from '../../admin/locale/ru.js';

describe('back-office record actions', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  const mailingAction = (id: number, action: string) => `/admin/api/resources/mailings/records/${id}/${action}`;
  const userAction = (id: number, action: string) => `/admin/api/resources/users/records/${id}/${action}`;

  it('when a manager disables a user\'s mailing, then it is disabled by them and the owner cannot enable or send it', async () => {
    const world = await buildWorld(db());
    const manager = await loggedIn(app().url, 'manager@example.test');
    const owner = await loggedIn(app().url, 'user@example.test');
    const id = world.owned.user.mailing;

    const response = await manager.post(mailingAction(id, 'disable'));

    expect(response.body.notice).to.deep.include({ type: 'success' });
    const mailing = await db().models.Mailing.findByPk(id);
    expect(mailing!.disabledAt).to.be.instanceOf(Date);
    expect(mailing!.disabledById).to.equal(world.users.manager.id);
    expect((await owner.post(mailingAction(id, 'enable'))).body.notice.type).to.equal('error');
    expect((await owner.post(mailingAction(id, 'sendNow'))).body.notice.type).to.equal('error');
    expect((await db().models.Mailing.findByPk(id))!.disabledAt).to.be.instanceOf(Date);
  });

  it('when a manager enables a disabled mailing, then it is enabled again', async () => {
    const world = await buildWorld(db());
    const id = world.owned.user.mailing;
    await db().models.Mailing.update({ disabledAt: new Date(), disabledById: world.users.manager.id }, { where: { id } });
    const manager = await loggedIn(app().url, 'manager@example.test');

    const response = await manager.post(mailingAction(id, 'enable'));

    expect(response.body.notice.type).to.equal('success');
    expect((await db().models.Mailing.findByPk(id))!.disabledAt).to.equal(null);
  });

  it('when the action is opened with GET, then nothing changes (only the confirmation POST acts)', async () => {
    const world = await buildWorld(db());
    const manager = await loggedIn(app().url, 'manager@example.test');

    const response = await manager.get(mailingAction(world.owned.user.mailing, 'disable'));

    expect(Number(response.body.record.params.id)).to.equal(world.owned.user.mailing);
    expect((await db().models.Mailing.findByPk(world.owned.user.mailing))!.disabledAt).to.equal(null);
  });

  it('when users or the content manager try to disable, then they are refused', async () => {
    const world = await buildWorld(db());
    for (const email of ['user@example.test', 'user2@example.test', 'content@example.test']) {
      const client = await loggedIn(app().url, email);
      const response = await client.post(mailingAction(world.owned.user.mailing, 'disable'));
      expect(response.body.notice.type, email).to.equal('error');
    }
    expect((await db().models.Mailing.findByPk(world.owned.user.mailing))!.disabledAt).to.equal(null);
  });

  it('when the owner sends now, then a manual attempt starts; a manager or another user cannot', async () => {
    const world = await buildWorld(db());
    const id = world.owned.user.mailing;
    const before = await db().models.Attempt.count({ where: { mailingId: id, trigger: 'manual' } });

    const manager = await loggedIn(app().url, 'manager@example.test');
    expect((await manager.post(mailingAction(id, 'sendNow'))).body.notice.type).to.equal('error');
    const stranger = await loggedIn(app().url, 'user2@example.test');
    const guessed = await stranger.post(mailingAction(id, 'sendNow'));
    expect(guessed.body.notice.type).to.equal('error');
    expect(guessed.body.record.params).to.deep.equal({});

    const owner = await loggedIn(app().url, 'user@example.test');
    const response = await owner.post(mailingAction(id, 'sendNow'));
    expect(response.body.notice.type, JSON.stringify(response.body.notice)).to.equal('success');
    expect(await db().models.Attempt.count({ where: { mailingId: id, trigger: 'manual' } })).to.equal(before + 1);
  });

  it("when the owner sends now while the mailing's run is paused, then the notice says so in the owner's language (English, Russian) and no run is opened", async () => {
    const world = await buildWorld(db());
    const id = world.owned.user.mailing;
    await db().models.Attempt.create({ mailingId: id, scheduledFor: new Date(), trigger: 'manual', status: 'paused' });
    const before = await db().models.Attempt.count({ where: { mailingId: id } });
    const owner = await loggedIn(app().url, 'user@example.test');

    const english = await owner.post(mailingAction(id, 'sendNow'));
    await world.users.user.update({ language: 'ru' });
    const russian = await (await loggedIn(app().url, 'user@example.test')).post(mailingAction(id, 'sendNow'));

    expect(english.body.notice).to.deep.equal({ message: en.messages.sendNowRunPaused, type: 'error' });
    expect(russian.body.notice).to.deep.equal({ message: ru.messages.sendNowRunPaused, type: 'error' });
    expect(await db().models.Attempt.count({ where: { mailingId: id } })).to.equal(before);
  });

  it('when a manager blocks a user, then the user is blocked by them; unblock lifts it', async () => {
    const world = await buildWorld(db());
    const manager = await loggedIn(app().url, 'manager@example.test');

    const blocked = await manager.post(userAction(world.users.user.id, 'block'));
    expect(blocked.body.notice.type, JSON.stringify(blocked.body.notice)).to.equal('success');
    const user = await db().models.User.findByPk(world.users.user.id);
    expect(user!.blockedAt).to.be.instanceOf(Date);
    expect(user!.blockedById).to.equal(world.users.manager.id);

    const unblocked = await manager.post(userAction(world.users.user.id, 'unblock'));
    expect(unblocked.body.notice.type).to.equal('success');
    expect((await db().models.User.findByPk(world.users.user.id))!.blockedAt).to.equal(null);
  });

  it('when someone blocks themselves or a superuser, or a plain user blocks anyone, then it is refused', async () => {
    const world = await buildWorld(db());
    const manager = await loggedIn(app().url, 'manager@example.test');
    const user = await loggedIn(app().url, 'user@example.test');
    const admin = await loggedIn(app().url, 'admin@example.test');

    expect((await manager.post(userAction(world.users.manager.id, 'block'))).body.notice.type).to.equal('error');
    expect((await manager.post(userAction(world.users.superuser.id, 'block'))).body.notice.type).to.equal('error');
    expect((await admin.post(userAction(world.users.superuser.id, 'block'))).body.notice.type).to.equal('error');
    expect((await user.post(userAction(world.users.user2.id, 'block'))).body.notice.type).to.equal('error');
    expect((await user.post(userAction(world.users.user.id, 'block'))).body.notice.type).to.equal('error');
    expect(await db().models.User.count({ where: { blockedAt: { [Op.ne]: null } } })).to.equal(0);
  });

  it('when a manager lists or shows users, then no password hash is ever in the response', async () => {
    const world = await buildWorld(db());
    for (const email of ['manager@example.test', 'admin@example.test', 'user@example.test']) {
      const client = await loggedIn(app().url, email);
      const list = await client.get('/admin/api/resources/users/actions/list');
      const show = await client.get(`/admin/api/resources/users/records/${world.users.user.id}/show`);
      for (const response of [list, show]) {
        expect(response.text, email).to.not.match(/passwordHash|\$2[aby]\$/);
      }
    }
  });

  it('when the superuser creates a user, then the password is stored hashed and not echoed', async () => {
    await buildWorld(db());
    const admin = await loggedIn(app().url, 'admin@example.test');

    const response = await admin.post('/admin/api/resources/users/actions/new', { email: 'fresh@example.test', fullName: 'Fresh', password: 'violet-kettle-93', verifiedAt: new Date().toISOString() });

    expect(response.text).to.not.match(/passwordHash|violet-kettle-93|\$2[aby]\$/);
    const user = await db().models.User.findOne({ where: { email: 'fresh@example.test' } });
    expect(user!.passwordHash).to.match(/^\$2[aby]\$/);
    const login = await new AdminClient(app().url).login('fresh@example.test', 'violet-kettle-93');
    expect(login.status).to.equal(302);
  });

  it('when the superuser creates a user without a password, then the form says a password is needed', async () => {
    await buildWorld(db());
    const admin = await loggedIn(app().url, 'admin@example.test');

    const response = await admin.post('/admin/api/resources/users/actions/new', { email: 'nopass@example.test', fullName: 'No Pass' });

    expect(response.body.record.errors.password.message).to.contain('at least 10 characters');
    expect(await db().models.User.count({ where: { email: 'nopass@example.test' } })).to.equal(0);
  });

  it('when a user edits their own profile, then the name changes and superuser, e-mail and verification are ignored', async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');

    const response = await user.post(`/admin/api/resources/users/records/${world.users.user.id}/edit`, {
      fullName: 'New Name',
      isSuperuser: 'true',
      email: 'admin2@example.test',
      verifiedAt: '',
      blockedAt: '',
    });

    expect(response.body.notice.type, JSON.stringify(response.body.notice)).to.equal('success');
    const row = await db().models.User.findByPk(world.users.user.id);
    expect(row!.fullName).to.equal('New Name');
    expect(row!.isSuperuser).to.equal(false);
    expect(row!.email).to.equal('user@example.test');
    expect(row!.verifiedAt).to.be.instanceOf(Date);
    const form = await user.get(`/admin/api/resources/users/records/${world.users.user.id}/edit`);
    expect(form.body.record.params.isSuperuser).to.equal(false);
  });
});
