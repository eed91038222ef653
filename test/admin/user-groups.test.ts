// A user's groups set on the user's own form (the administrator only), through the accounts domain.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { buildWorld } from './world.js';
import { updateUser } from '../../src/accounts/users.js';
import { loadActor } from '../../src/access/policy.js';
import { ForbiddenError } from '../../src/errors.js';
import { refusal } from '../accounts/refusal.js';

describe("a user's groups on the user's form", () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  async function groupsOf(userId: number): Promise<number[]> {
    return (await db().models.UserGroup.findAll({ where: { userId }, order: [['groupId', 'ASC']] })).map((link) => link.groupId);
  }

  it('when the administrator sets a user\'s groups on the user\'s form, then the user is in exactly those groups and has their permissions at the next request', async () => {
    const world = await buildWorld(db());
    const auditors = await db().models.Group.create({ name: 'auditors', permissions: ['mailing.view_all'] });
    const bloggers = await db().models.Group.create({ name: 'bloggers', permissions: ['blog.manage'] });
    const member = await loggedIn(app().url, 'user2@example.test');
    expect((await member.get('/admin/api/resources/blog_posts/actions/list')).body.notice.type).to.equal('error');
    const admin = await loggedIn(app().url, 'admin@example.test');

    const saved = await admin.post(`/admin/api/resources/users/records/${world.users.user2.id}/edit`, {
      fullName: 'Second User',
      groupIds: [String(auditors.id), String(bloggers.id)],
    });

    expect(saved.body.notice.type, JSON.stringify(saved.body.notice)).to.equal('success');
    expect(await groupsOf(world.users.user2.id)).to.deep.equal([auditors.id, bloggers.id]);
    expect((await member.get('/admin/api/resources/blog_posts/actions/list')).body.records).to.have.length(1);
    // the form shows the groups the user is in
    const shown = await admin.get(`/admin/api/resources/users/records/${world.users.user2.id}/edit`);
    expect([shown.body.record.params['groupIds.0'], shown.body.record.params['groupIds.1']].map(Number)).to.deep.equal([auditors.id, bloggers.id]);

    const cleared = await admin.post(`/admin/api/resources/users/records/${world.users.user2.id}/edit`, { fullName: 'Second User', groupIds: '__FORM_VALUE_EMPTY_ARRAY__' });
    expect(cleared.body.notice.type).to.equal('success');
    expect(await groupsOf(world.users.user2.id)).to.deep.equal([]);
  });

  it('when the administrator creates a user with groups, then the new user is in them', async () => {
    await buildWorld(db());
    const bloggers = await db().models.Group.create({ name: 'bloggers', permissions: ['blog.manage'] });
    const admin = await loggedIn(app().url, 'admin@example.test');

    const created = await admin.post('/admin/api/resources/users/actions/new', { email: 'writer@example.test', password: 'amber-teapot-47', groupIds: [String(bloggers.id)] });

    expect(created.body.notice.type, JSON.stringify(created.body.notice)).to.equal('success');
    expect(await groupsOf(Number(created.body.record.id))).to.deep.equal([bloggers.id]);
  });

  it('when a group chosen on the user\'s form does not exist, then the groups field says so and nothing of the user changes', async () => {
    const world = await buildWorld(db());
    const admin = await loggedIn(app().url, 'admin@example.test');

    const refused = await admin.post(`/admin/api/resources/users/records/${world.users.user2.id}/edit`, { fullName: 'Changed', groupIds: ['999999'] });

    expect(refused.body.record.errors.groupIds.message).to.equal('A chosen group no longer exists.');
    await world.users.user2.reload();
    expect(world.users.user2.fullName).to.not.equal('Changed');
    expect(await groupsOf(world.users.user2.id)).to.deep.equal([]);
  });

  it('when a manager sends groups for another user, then it is refused; on anyone\'s own profile the groups sent are ignored; no membership changes', async () => {
    const world = await buildWorld(db());
    const managers = world.groups; // the manager's and the content manager's groups
    const before = await groupsOf(world.users.manager.id);
    const manager = await loggedIn(app().url, 'manager@example.test');

    const forOther = await manager.post(`/admin/api/resources/users/records/${world.users.user.id}/edit`, { groupIds: managers.map(String) });
    const forSelf = await manager.post(`/admin/api/resources/users/records/${world.users.manager.id}/edit`, { fullName: 'Manager', groupIds: managers.map(String) });
    const user = await loggedIn(app().url, 'user@example.test');
    const userSelf = await user.post(`/admin/api/resources/users/records/${world.users.user.id}/edit`, { fullName: 'Me', groupIds: managers.map(String) });

    expect(forOther.body.notice.type).to.equal('error');
    expect(await groupsOf(world.users.user.id)).to.deep.equal([]);
    expect(await groupsOf(world.users.manager.id)).to.deep.equal(before);
    // on their own profile the groups field is not theirs: the rest is saved, the groups are left as they were
    expect(forSelf.body.notice.type).to.equal('success');
    expect(userSelf.body.notice.type).to.equal('success');
    expect(await groupsOf(world.users.user.id)).to.deep.equal([]);
  });

  it('when anyone but a superuser asks the accounts domain to set a user\'s groups, then it refuses with ForbiddenError', async () => {
    const world = await buildWorld(db());
    const manager = (await loadActor(db().models, world.users.manager.id))!;
    const user = (await loadActor(db().models, world.users.user.id))!;

    const managerError = await refusal(updateUser({ models: db().models }, manager, world.users.user.id, { groupIds: world.groups }));
    const ownError = await refusal(updateUser({ models: db().models }, user, world.users.user.id, { groupIds: world.groups }));

    expect(managerError).to.be.instanceOf(ForbiddenError);
    expect(ownError).to.be.instanceOf(ForbiddenError);
    expect(await groupsOf(world.users.user.id)).to.deep.equal([]);
  });
});
