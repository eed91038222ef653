// The back office's login check in the accounts domain (src/accounts/login.ts).
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { checkLogin } from '../../src/accounts/login.js';
import { LoginRefused } from '../../src/errors.js';

describe('the login check', function () {
  const db = useTestDatabase();

  it('when a verified user gives the right password (any case of the address), then they get their actor and name, and the login time is recorded', async () => {
    const user = await createUser(db(), { email: 'Ada@Example.test', fullName: 'Ada', permissions: ['mailing.view_all'] });

    const loggedIn = await checkLogin(db().models, { email: '  ada@example.TEST ', password: TEST_PASSWORD });

    expect(loggedIn?.actor).to.include({ id: user.id, isSuperuser: false });
    expect([...loggedIn!.actor.permissions]).to.deep.equal(['mailing.view_all']);
    expect(loggedIn!.fullName).to.equal('Ada');
    expect((await db().models.User.findByPk(user.id))!.lastLoginAt).to.be.instanceOf(Date);
  });

  it('when the address is unknown or the password wrong or empty, then the answer is null and nothing is recorded', async () => {
    const user = await createUser(db(), { email: 'bob@example.test' });

    expect(await checkLogin(db().models, { email: 'nobody@example.test', password: TEST_PASSWORD })).to.equal(null);
    expect(await checkLogin(db().models, { email: 'bob@example.test', password: 'wrong-password-1' })).to.equal(null);
    expect(await checkLogin(db().models, { email: 'bob@example.test', password: '' })).to.equal(null);
    expect((await db().models.User.findByPk(user.id))!.lastLoginAt).to.equal(null);
  });

  it('when the password is right but the account is blocked or unconfirmed, then LoginRefused says which; with a wrong password it says nothing', async () => {
    await createUser(db(), { email: 'blocked@example.test', blocked: true });
    await createUser(db(), { email: 'unconfirmed@example.test', verified: false });

    const blocked = await checkLogin(db().models, { email: 'blocked@example.test', password: TEST_PASSWORD }).catch((error: unknown) => error);
    const unconfirmed = await checkLogin(db().models, { email: 'unconfirmed@example.test', password: TEST_PASSWORD }).catch((error: unknown) => error);

    expect(blocked).to.be.instanceOf(LoginRefused).and.have.property('message', 'accountBlocked');
    expect(unconfirmed).to.be.instanceOf(LoginRefused).and.have.property('message', 'emailNotConfirmed');
    expect(await checkLogin(db().models, { email: 'blocked@example.test', password: 'wrong-password-1' })).to.equal(null);
  });
});
