// Groups and their members through the accounts domain (src/accounts/groups.ts).
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { groupMembers, saveGroup } from '../../src/accounts/groups.js';
import { loadActor, type Actor } from '../../src/access/policy.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/errors.js';
import { refusal } from './refusal.js';

describe('groups in the accounts domain', function () {
  const db = useTestDatabase();
  let superuser: Actor;

  beforeEach(async () => {
    superuser = (await loadActor(db().models, (await createUser(db(), { superuser: true })).id))!;
  });

  it('when a superuser makes a group with members, then the members hold its permissions', async () => {
    const [ann, bob] = [await createUser(db()), await createUser(db())];

    const group = await saveGroup(db().models, superuser, undefined, { name: 'Managers', permissions: ['mailing.view_all', 'mailing.view_all'], memberIds: [ann.id, bob.id] });

    expect(group.permissions).to.deep.equal(['mailing.view_all']);
    expect((await groupMembers(db().models, [group.id])).get(group.id)).to.deep.equal([ann.id, bob.id].sort((a, b) => a - b));
    expect([...(await loadActor(db().models, ann.id))!.permissions]).to.deep.equal(['mailing.view_all']);
  });

  it('when the member list is given again, then the group has exactly those members; when absent, they stay', async () => {
    const [ann, bob, cid] = [await createUser(db()), await createUser(db()), await createUser(db())];
    const group = await saveGroup(db().models, superuser, undefined, { name: 'Team', memberIds: [ann.id, bob.id] });

    await saveGroup(db().models, superuser, group.id, { memberIds: [bob.id, cid.id] });
    await saveGroup(db().models, superuser, group.id, { name: 'Team renamed' });

    expect((await groupMembers(db().models, [group.id])).get(group.id)).to.deep.equal([bob.id, cid.id].sort((a, b) => a - b));
    expect((await db().models.Group.findByPk(group.id))!.name).to.equal('Team renamed');
  });

  it('when a permission is unknown or a member does not exist, then a ValidationError names the field and nothing is written', async () => {
    const ann = await createUser(db());

    const unknown = await refusal(saveGroup(db().models, superuser, undefined, { name: 'Bad', permissions: ['mailing.view_all', 'mailing.rule_the_world'] }));
    const ghost = await refusal(saveGroup(db().models, superuser, undefined, { name: 'Ghosts', memberIds: [ann.id, 999_999] }));

    expect(unknown).to.be.instanceOf(ValidationError);
    expect((unknown as ValidationError).fields.permissions).to.contain('mailing.rule_the_world');
    expect(ghost).to.be.instanceOf(ValidationError);
    expect((ghost as ValidationError).fields).to.have.property('memberIds');
    expect(await db().models.Group.count({ where: { name: ['Bad', 'Ghosts'] } })).to.equal(0);
  });

  it('when someone who is not a superuser saves a group, then a ForbiddenError refuses it; a missing group is a NotFoundError', async () => {
    const manager = (await loadActor(db().models, (await createUser(db(), { permissions: ['user.view_all', 'user.block', 'mailing.view_all'] })).id))!;

    expect(await refusal(saveGroup(db().models, manager, undefined, { name: 'Mine', permissions: ['user.block'] }))).to.be.instanceOf(ForbiddenError);
    expect(await refusal(saveGroup(db().models, superuser, 999_999, { name: 'Gone' }))).to.be.instanceOf(NotFoundError);
    expect(await db().models.Group.count({ where: { name: 'Mine' } })).to.equal(0);
  });
});
