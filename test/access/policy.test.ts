// The one access policy, as a unit: decisions from permissions and ownership, never from group names.
import { expect } from 'chai';
import { can, scope, type Actor } from '../../src/access/policy.js';
import { ALL_PERMISSIONS, isPermission } from '../../src/access/permissions.js';

const actor = (id: number, permissions: string[] = [], isSuperuser = false): Actor => ({ id, email: `u${id}@example.test`, isSuperuser, permissions: new Set(permissions) });

describe('the access policy', () => {
  const user = actor(1);
  const manager = actor(2, ['mailing.view_all', 'mailing.disable', 'user.view_all', 'user.block']);
  const admin = actor(3, [], true);

  it('when a user acts on their own record, then CRUD is allowed; on another user\'s record, nothing is', () => {
    for (const action of ['show', 'edit', 'delete'] as const) {
      expect(can(user, action, 'clients', { ownerId: 1 }), action).to.equal(true);
      expect(can(user, action, 'clients', { ownerId: 9 }), action).to.equal(false);
    }
  });

  it('when a manager looks at mailings, then list/show/disable are allowed and new/edit/delete are not', () => {
    expect(can(manager, 'show', 'mailings', { ownerId: 1 })).to.equal(true);
    expect(can(manager, 'disable', 'mailings', { ownerId: 1, disabledAt: null })).to.equal(true);
    for (const action of ['new', 'edit', 'delete', 'sendNow'] as const) expect(can(manager, action, 'mailings', { ownerId: 1 }), action).to.equal(false);
  });

  it('when a mailing is already disabled, then only enable is offered, and the owner may not send it', () => {
    const disabled = { ownerId: 1, disabledAt: new Date(), disabledById: 2 };
    expect(can(manager, 'disable', 'mailings', disabled)).to.equal(false);
    expect(can(manager, 'enable', 'mailings', disabled)).to.equal(true);
    expect(can(user, 'enable', 'mailings', disabled)).to.equal(false);
    expect(can(user, 'sendNow', 'mailings', disabled)).to.equal(false);
  });

  it('when someone blocks, then nobody blocks themselves or a superuser', () => {
    expect(can(manager, 'block', 'users', { id: 1 })).to.equal(true);
    expect(can(manager, 'block', 'users', { id: 2 })).to.equal(false);
    expect(can(manager, 'block', 'users', { id: 3, isSuperuser: true })).to.equal(false);
    expect(can(admin, 'block', 'users', { id: 3, isSuperuser: true })).to.equal(false);
    expect(can(user, 'block', 'users', { id: 5 })).to.equal(false);
  });

  it('when a group is named "managers" but holds no permission, then it grants nothing', () => {
    const named = { ...actor(4), groups: ['managers'] } as Actor;
    expect(can(named, 'list', 'groups')).to.equal(false);
    expect(can(named, 'disable', 'mailings')).to.equal(false);
    expect(scope(named, 'mailings')).to.deep.equal({ ownerId: 4 });
  });

  it('when nobody is logged in, then everything is refused and every scope is empty', () => {
    expect(can(undefined, 'list', 'blog_posts')).to.equal(false);
    expect(JSON.stringify(scope(undefined, 'clients'))).to.not.equal('{}');
  });

  it('when permissions are listed, then every one is a known codename declared by a model', () => {
    expect(ALL_PERMISSIONS).to.include.members(['mailing.view_all', 'mailing.disable', 'user.view_all', 'user.block', 'blog.manage']);
    expect(isPermission('root.everything')).to.equal(false);
  });
});
