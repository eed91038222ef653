// Logging in to the back office: who may, the rate limit, sessions in PostgreSQL, and blocking ending sessions.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { AdminClient, loggedIn } from '../helpers/admin-client.js';
import { blockUser } from '../../src/accounts/blocking.js';
import { loadActor } from '../../src/access/policy.js';
import { en } from '../../admin/locale/en.js';

/** The English of the error the login page shows (a catalogue key, translated by the page in the browser). */
function loginError(html: string): string {
  const key = html.match(/"errorMessage":"(\w+)"/)?.[1];
  expect(key, 'the login page carries an error key').to.be.a('string');
  return (en.messages as Record<string, string>)[key!] ?? `no English for ${key}`;
}

describe('logging in to the back office', () => {
  const db = useTestDatabase();
  let app: TestApp;

  beforeEach(async () => {
    app = await startTestApp({ db: db() });
  });
  afterEach(async () => {
    await app.stop();
  });

  it('when a verified user gives the right password, then they get a new session and /admin', async () => {
    const user = await createUser(db(), { email: 'Ann@Example.test' });
    const client = new AdminClient(app.url);
    await client.get('/admin/login');
    const before = client.sessionCookie;

    const response = await client.login('ann@example.test');

    expect(response.status).to.equal(302);
    expect(response.location).to.equal('/admin');
    expect(client.sessionCookie).to.match(/^mailing\.sid=/).and.not.equal(before);
    const [row] = await db().sequelize.query(`SELECT sess FROM sessions WHERE sess -> 'adminUser' ->> 'id' = '${user.id}'`, { type: 'SELECT' as never });
    expect(row).to.exist;
    await user.reload();
    expect(user.lastLoginAt).to.be.instanceOf(Date);
  });

  it('when the session cookie is set, then it is httpOnly and sameSite=lax', async () => {
    await createUser(db(), { email: 'cookie@example.test' });
    const response = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'cookie@example.test', password: 'correct-horse-42' }),
      headers: { origin: app.url },
      redirect: 'manual',
    });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('mailing.sid='));
    expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i);
  });

  it('when the password is wrong, then the login page says so and there is no session', async () => {
    await createUser(db(), { email: 'bob@example.test' });
    const client = new AdminClient(app.url);

    const response = await client.login('bob@example.test', 'wrong-password');

    expect(response.status).to.equal(200);
    expect(response.text).to.contain('Wrong e-mail or password');
    expect((await client.get('/admin/api/resources/clients/actions/list')).location).to.equal('/admin/login');
  });

  it('when the user has not verified their e-mail, then they are told to confirm it first', async () => {
    await createUser(db(), { email: 'new@example.test', verified: false });

    const response = await new AdminClient(app.url).login('new@example.test');

    expect(response.status).to.equal(400);
    expect(loginError(response.text)).to.contain('Confirm your e-mail address first');
  });

  it('when the user is blocked, then the login is refused with a reason', async () => {
    await createUser(db(), { email: 'blocked@example.test', blocked: true });

    const response = await new AdminClient(app.url).login('blocked@example.test');

    expect(response.status).to.equal(400);
    expect(loginError(response.text)).to.contain('This account is blocked');
  });

  it('when too many logins fail from one address, then further tries get a clear message (429) and a right password does not count', async () => {
    const limited = await startTestApp({ db: db(), app: { admin: { loginLimit: { limit: 3, windowMs: 60_000 } } } });
    try {
      await createUser(db(), { email: 'target@example.test' });
      const client = new AdminClient(limited.url);
      expect((await client.login('target@example.test')).status).to.equal(302); // a success is not counted
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await client.login('target@example.test', `guess-${i}`)).status);

      const refused = await client.login('target@example.test');

      expect(statuses).to.deep.equal([200, 200, 200]);
      expect(refused.status).to.equal(429);
      expect(loginError(refused.text)).to.equal('Too many failed logins from your address. Wait a few minutes and try again.');
    } finally {
      await limited.stop();
    }
  });

  it('when a manager blocks a logged-in user, then that user\'s next request is refused', async () => {
    const user = await createUser(db(), { email: 'victim@example.test' });
    const manager = await createUser(db(), { email: 'boss@example.test', permissions: ['user.view_all', 'user.block', 'mailing.view_all', 'mailing.disable'] });
    const client = await loggedIn(app.url, 'victim@example.test');
    expect((await client.get('/admin/api/resources/clients/actions/list')).body.records).to.be.an('array');

    await blockUser({ models: db().models, mailings: app.ctx.mailings }, (await loadActor(db().models, manager.id))!, user.id);

    const after = await client.get('/admin/api/resources/clients/actions/list');
    expect(after.body?.records).to.equal(undefined);
    expect(after.status === 302 || after.status === 401).to.equal(true);
    const [{ count }] = await db().sequelize.query<{ count: number }>(`SELECT count(*)::int AS count FROM sessions WHERE sess -> 'adminUser' ->> 'id' = '${user.id}'`, { type: 'SELECT' as never });
    expect(count).to.equal(0);
  });

  it('when a user is blocked directly in the database, then their open session stops at the next request', async () => {
    const user = await createUser(db(), { email: 'quiet@example.test' });
    const client = await loggedIn(app.url, 'quiet@example.test');
    await db().models.User.update({ blockedAt: new Date() }, { where: { id: user.id } });

    const after = await client.get('/admin/api/resources/clients/actions/list');

    expect(after.status).to.equal(401);
    expect(after.body.records).to.equal(undefined);
  });

  it('when a user logs out, then the session no longer works', async () => {
    await createUser(db(), { email: 'leaver@example.test' });
    const client = await loggedIn(app.url, 'leaver@example.test');

    await client.get('/admin/logout');

    expect((await client.get('/admin/api/resources/clients/actions/list')).location).to.equal('/admin/login');
  });
});
