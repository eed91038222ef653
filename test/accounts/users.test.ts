// Creating and changing users through the accounts domain (src/accounts/users.ts): who may set what, the one
// password rule, and what a refusal leaves behind (nothing).
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createUser as makeUser } from '../helpers/factories.js';
import { createUser, updateUser } from '../../src/accounts/users.js';
import { verifyPassword } from '../../src/accounts/passwords.js';
import { loadActor, type Actor } from '../../src/access/policy.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/errors.js';
import { refusal } from './refusal.js';

describe('users in the accounts domain', function () {
  const db = useTestDatabase();
  const deps = () => ({ models: db().models, passwordCost: 4 });
  let superuser: Actor;

  beforeEach(async () => {
    superuser = (await loadActor(db().models, (await makeUser(db(), { superuser: true })).id))!;
  });

  it('when a superuser creates a user with a good password, then the user exists with only its hash stored', async () => {
    const user = await createUser(deps(), superuser, { email: 'new.person@example.test', password: 'amber-teapot-47', fullName: 'New Person' });

    const stored = await db().models.User.findByPk(user.id);
    expect(stored).to.include({ email: 'new.person@example.test', fullName: 'New Person', isSuperuser: false, verifiedAt: null });
    expect(stored!.passwordHash).to.not.contain('amber-teapot-47');
    expect(await verifyPassword('amber-teapot-47', stored!.passwordHash)).to.equal(true);
  });

  it('when the new password breaks the registration rule (too short, common, contains the address), then a ValidationError marks the password field and no user is made', async () => {
    for (const password of ['short', 'password123', 'new.person-secret-1']) {
      const error = await refusal(createUser(deps(), superuser, { email: 'new.person@example.test', password }));
      expect(error, password).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).fields).to.have.property('password');
    }
    expect(await db().models.User.count({ where: { email: 'new.person@example.test' } })).to.equal(0);
  });

  it('when someone who is not a superuser creates a user, then a ForbiddenError refuses it and no user is made', async () => {
    const manager = (await loadActor(db().models, (await makeUser(db(), { permissions: ['user.view_all', 'user.block'] })).id))!;
    const before = await db().models.User.count();

    expect(await refusal(createUser(deps(), manager, { email: 'sneaky@example.test', password: 'amber-teapot-47' }))).to.be.instanceOf(ForbiddenError);
    expect(await db().models.User.count()).to.equal(before);
  });

  it('when a person changes their own name and password, then both change and the result says the password changed', async () => {
    const self = await makeUser(db(), { email: 'self@example.test' });
    const actor = (await loadActor(db().models, self.id))!;

    const { user, passwordChanged } = await updateUser(deps(), actor, self.id, { fullName: 'Renamed', password: 'copper-kettle-58' });

    expect(passwordChanged).to.equal(true);
    expect(user.fullName).to.equal('Renamed');
    expect(await verifyPassword('copper-kettle-58', (await db().models.User.findByPk(self.id))!.passwordHash)).to.equal(true);
  });

  it('when a person tries to make themselves superuser or change their address, then a ForbiddenError refuses it and nothing changes', async () => {
    const self = await makeUser(db(), { email: 'plain@example.test' });
    const actor = (await loadActor(db().models, self.id))!;

    expect(await refusal(updateUser(deps(), actor, self.id, { isSuperuser: true }))).to.be.instanceOf(ForbiddenError);
    expect(await refusal(updateUser(deps(), actor, self.id, { email: 'other@example.test', fullName: 'x' }))).to.be.instanceOf(ForbiddenError);
    expect(await db().models.User.findByPk(self.id)).to.include({ isSuperuser: false, email: 'plain@example.test', fullName: 'Test User' });
  });

  it("when a person edits someone else's profile, then a ForbiddenError refuses it; an unknown id is a NotFoundError", async () => {
    const self = await makeUser(db());
    const other = await makeUser(db());
    const actor = (await loadActor(db().models, self.id))!;

    expect(await refusal(updateUser(deps(), actor, other.id, { fullName: 'Hijacked' }))).to.be.instanceOf(ForbiddenError);
    expect(await refusal(updateUser(deps(), superuser, 999_999, { fullName: 'Nobody' }))).to.be.instanceOf(NotFoundError);
    expect((await db().models.User.findByPk(other.id))!.fullName).to.equal('Test User');
  });

  it('when the superuser changes the address and the password together, then the password is checked against the new address', async () => {
    const user = await makeUser(db(), { email: 'old.name@example.test' });

    const error = await refusal(updateUser(deps(), superuser, user.id, { email: 'ada.lovelace@example.test', password: 'Ada.Lovelace-1815' }));

    expect(error).to.be.instanceOf(ValidationError);
    expect((await db().models.User.findByPk(user.id))!.email, 'nothing written').to.equal('old.name@example.test');
  });

  it('when only the name changes, then the result says the password did not change and the old password still works', async () => {
    const user = await makeUser(db(), { password: 'steady-password-11' });

    const { passwordChanged } = await updateUser(deps(), superuser, user.id, { fullName: 'Only The Name', password: '' });

    expect(passwordChanged).to.equal(false);
    expect(await verifyPassword('steady-password-11', (await db().models.User.findByPk(user.id))!.passwordHash)).to.equal(true);
  });
});
