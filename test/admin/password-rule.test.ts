// The back office holds passwords to the same rule as registration: same refusals, same words, on the password field.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { AdminClient, loggedIn } from '../helpers/admin-client.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { passwordProblem } from '../../src/accounts/account-rules.js';
import { verifyPassword } from '../../src/accounts/passwords.js';

const NEW = '/admin/api/resources/users/actions/new';
const edit = (id: number) => `/admin/api/resources/users/records/${id}/edit`;

// what registration answers for each (tested there through the public site: test/public-site/accounts.test.ts)
const REFUSED: Array<[what: string, password: string, words: string]> = [
  ['8 characters', 'kettle-9', 'Use at least 10 characters.'],
  ['a common password', 'Password123', 'This password is among the most common ones; choose another.'],
];

describe('the password rule in the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  for (const [what, password, words] of REFUSED) {
    it(`when the superuser creates a user with ${what}, then the password field says what registration says and no user is made`, async () => {
      await createUser(db(), { email: 'root@example.test', superuser: true });
      const admin = await loggedIn(app().url, 'root@example.test');

      const refused = await admin.post(NEW, { email: 'fresh@example.test', fullName: 'Fresh', password });

      expect(passwordProblem(password, 'fresh@example.test'), 'registration refuses it with these words').to.equal(words);
      expect(refused.body.record.errors.password.message, JSON.stringify(refused.body)).to.equal(words);
      expect(await db().models.User.count({ where: { email: 'fresh@example.test' } })).to.equal(0);
    });

    it(`when a user changes their own password to ${what}, then the password field says what registration says and the old password still works`, async () => {
      const user = await createUser(db(), { email: 'self@example.test' });
      const client = await loggedIn(app().url, 'self@example.test');

      const refused = await client.post(edit(user.id), { fullName: 'Self', password });

      expect(refused.body.record.errors.password.message, JSON.stringify(refused.body)).to.equal(words);
      const row = await db().models.User.findByPk(user.id);
      expect(await verifyPassword(TEST_PASSWORD, row!.passwordHash)).to.equal(true);
      expect(row!.fullName, 'nothing of the refused form is written').to.equal('Test User');
    });
  }

  it('when a user puts their own e-mail address into a new password, then it is refused as at registration', async () => {
    const user = await createUser(db(), { email: 'adalovelace@example.test' });
    const client = await loggedIn(app().url, 'adalovelace@example.test');

    const refused = await client.post(edit(user.id), { password: 'AdaLovelace-1815' });

    expect(refused.body.record.errors.password.message).to.equal('Do not use your e-mail address in your password.');
  });

  it('when the superuser creates a user whose password contains the new address, then it is refused', async () => {
    await createUser(db(), { email: 'root@example.test', superuser: true });
    const admin = await loggedIn(app().url, 'root@example.test');

    const refused = await admin.post(NEW, { email: 'gracehopper@example.test', password: 'gracehopper-1906' });

    expect(refused.body.record.errors.password.message).to.equal('Do not use your e-mail address in your password.');
    expect(await db().models.User.count({ where: { email: 'gracehopper@example.test' } })).to.equal(0);
  });

  it('when the passwords are good, then the superuser creates a user and a user changes their own, and both log in with them', async () => {
    await createUser(db(), { email: 'root@example.test', superuser: true });
    const user = await createUser(db(), { email: 'self@example.test' });
    const admin = await loggedIn(app().url, 'root@example.test');
    const client = await loggedIn(app().url, 'self@example.test');

    const created = await admin.post(NEW, { email: 'fresh@example.test', fullName: 'Fresh', password: 'violet-kettle-93', verifiedAt: new Date().toISOString() });
    const changed = await client.post(edit(user.id), { password: 'amber-teapot-47' });

    expect(created.body.notice.type, JSON.stringify(created.body)).to.equal('success');
    expect(changed.body.notice.type, JSON.stringify(changed.body)).to.equal('success');
    expect((await new AdminClient(app().url).login('fresh@example.test', 'violet-kettle-93')).location).to.equal('/admin');
    expect((await new AdminClient(app().url).login('self@example.test', 'amber-teapot-47')).location).to.equal('/admin');
  });
});
