// Groups made in the back office: permissions from the one list, members; a group's permission works at once.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { buildWorld } from './world.js';

describe('groups in the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  it('when the superuser makes a group with mailing.view_all for a logged-in user, then that user sees every mailing at once and gains nothing else', async () => {
    const world = await buildWorld(db());
    const watcher = await loggedIn(app().url, 'user2@example.test');
    const ownOnly = await watcher.get('/admin/api/resources/mailings/actions/list');
    expect(ownOnly.body.records.map((r: { id: string }) => Number(r.id))).to.deep.equal([world.owned.user2.mailing]);
    const admin = await loggedIn(app().url, 'admin@example.test');

    const created = await admin.post('/admin/api/resources/groups/actions/new', {
      name: 'auditors',
      permissions: ['mailing.view_all'],
      memberIds: [String(world.users.user2.id)],
    });
    expect(created.body.notice.type, JSON.stringify(created.body.notice)).to.equal('success');

    const all = await watcher.get('/admin/api/resources/mailings/actions/list');
    expect(all.body.records.map((r: { id: string }) => Number(r.id)).sort()).to.deep.equal(
      [world.owned.user.mailing, world.owned.user2.mailing, world.owned.superuser.mailing].sort(),
    );
    // exactly that permission: no disable, no users beyond their own profile, no groups, no blog
    const disable = await watcher.post(`/admin/api/resources/mailings/records/${world.owned.user.mailing}/disable`);
    expect(disable.body.notice.type).to.equal('error');
    const users = await watcher.get('/admin/api/resources/users/actions/list');
    expect(users.body.records.map((r: { id: string }) => Number(r.id))).to.deep.equal([world.users.user2.id]);
    expect((await watcher.get('/admin/api/resources/groups/actions/list')).body.notice.type).to.equal('error');
    expect((await watcher.get('/admin/api/resources/blog_posts/actions/list')).body.notice.type).to.equal('error');
  });

  it('when the group loses the permission, then the member loses it at the next request', async () => {
    const world = await buildWorld(db());
    const group = await db().models.Group.create({ name: 'bloggers', permissions: ['blog.manage'] });
    await db().models.UserGroup.create({ userId: world.users.user.id, groupId: group.id });
    const member = await loggedIn(app().url, 'user@example.test');
    expect((await member.get('/admin/api/resources/blog_posts/actions/list')).body.records).to.have.length(1);
    const admin = await loggedIn(app().url, 'admin@example.test');

    await admin.post(`/admin/api/resources/groups/records/${group.id}/edit`, { name: 'bloggers', permissions: ['user.view_all'] });

    const after = await member.get('/admin/api/resources/blog_posts/actions/list');
    expect(after.body.notice.type).to.equal('error');
    expect(after.body.records).to.deep.equal([]);
  });

  it('when a group is given an unknown permission, then it is refused with the name of the bad one', async () => {
    await buildWorld(db());
    const admin = await loggedIn(app().url, 'admin@example.test');

    const response = await admin.post('/admin/api/resources/groups/actions/new', { name: 'bad', permissions: ['mailing.view_all', 'root.everything'] });

    expect(response.body.record.errors.permissions.message).to.contain('root.everything');
    expect(await db().models.Group.count({ where: { name: 'bad' } })).to.equal(0);
  });

  it('when the superuser changes the members, then user_groups follows', async () => {
    const world = await buildWorld(db());
    const group = await db().models.Group.create({ name: 'team', permissions: [] });
    await db().models.UserGroup.create({ userId: world.users.user.id, groupId: group.id });
    const admin = await loggedIn(app().url, 'admin@example.test');

    await admin.post(`/admin/api/resources/groups/records/${group.id}/edit`, { memberIds: [String(world.users.user2.id)] });

    const members = await db().models.UserGroup.findAll({ where: { groupId: group.id } });
    expect(members.map((m) => m.userId)).to.deep.equal([world.users.user2.id]);
    const show = await admin.get(`/admin/api/resources/groups/records/${group.id}/show`);
    expect(show.body.record.params['memberIds.0']).to.equal(world.users.user2.id);
  });
});
