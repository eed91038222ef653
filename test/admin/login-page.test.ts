// The back office's login page over HTTP: the product's name, the links to the public site's sign-up and
// forgot-password pages, the e-mail kept after a failed login, and the page a blocked user's session lands on.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { AdminClient, loggedIn } from '../helpers/admin-client.js';
import { createUser } from '../helpers/factories.js';
import { FORGOT_PASSWORD_PATH, SESSION_ENDED_COOKIE, SIGN_UP_PATH } from '../../admin/auth.js';
import { ru } from '../../admin/locale/ru.js';

/** The attributes AdminJS gives the login page's script (window.__APP_STATE__). */
function pageState(html: string): Record<string, unknown> {
  const json = html.match(/window\.__APP_STATE__ = JSON\.parse\('(.*)'\);/)?.[1];
  expect(json, 'the login page carries its state').to.be.a('string');
  return JSON.parse(json!) as Record<string, unknown>;
}

function typedEmail(html: string): string | undefined {
  const encoded = pageState(html).typedEmail;
  return typeof encoded === 'string' ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}

describe('the back office login page', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  it('when the login page is opened, then its title is the product\'s name and it links to the public site\'s sign-up and forgot-password pages, which exist', async () => {
    const page = await new AdminClient(app().url).get('/admin/login');

    expect(page.status).to.equal(200);
    expect(page.text).to.match(/<title>Mailing Service<\/title>/);
    expect(page.text).to.not.match(/AdminJS<\/title>|Welcome to AdminJS/);
    expect(pageState(page.text)).to.include({ signUpUrl: SIGN_UP_PATH, forgotPasswordUrl: FORGOT_PASSWORD_PATH });
    expect((await fetch(`${app().url}${SIGN_UP_PATH}`)).status).to.equal(200);
    expect((await fetch(`${app().url}${FORGOT_PASSWORD_PATH}`)).status).to.equal(200);
    expect(typedEmail(page.text)).to.equal(undefined);
  });

  it('when a login fails, then the page that says so carries the e-mail typed; when it is refused (blocked), too', async () => {
    await createUser(db(), { email: 'bob@example.test' });
    await createUser(db(), { email: 'stopped@example.test', blocked: true });
    const client = new AdminClient(app().url);

    const wrong = await client.login('Bob@Example.test', 'wrong-password');
    const blocked = await client.login('stopped@example.test');

    expect(wrong.text).to.contain('"errorMessage":"invalidCredentials"');
    expect(typedEmail(wrong.text)).to.equal('Bob@Example.test');
    expect(blocked.text).to.contain('"errorMessage":"accountBlocked"');
    expect(typedEmail(blocked.text)).to.equal('stopped@example.test');
  });

  it('when the e-mail typed holds quotes or "</script>", then it comes back intact and cannot break out of the page\'s script', async () => {
    const nasty = `o'brien"</script><script>alert(1)</script>@example.test`;

    const page = await new AdminClient(app().url).login(nasty, 'wrong-password');

    expect(page.text).to.not.contain('<script>alert(1)');
    expect(page.text).to.not.contain("o'brien");
    expect(typedEmail(page.text)).to.equal(nasty);
  });

  it('when a logged-in user is blocked, then their next screen lands on the login page saying the account is blocked, once', async () => {
    const user = await createUser(db(), { email: 'victim@example.test' });
    const client = await loggedIn(app().url, 'victim@example.test');
    await db().models.User.update({ blockedAt: new Date() }, { where: { id: user.id } });

    const next = await fetch(`${app().url}/admin/resources/clients`, { headers: { cookie: client.sessionCookie }, redirect: 'manual' });
    const reason = next.headers.getSetCookie().map((line) => line.split(';')[0]!).find((pair) => pair.startsWith(`${SESSION_ENDED_COOKIE}=`));
    const landing = await fetch(`${app().url}${next.headers.get('location')}`, { headers: { cookie: reason ?? '' } });
    const html = await landing.text();

    expect(next.status).to.equal(302);
    expect(next.headers.get('location')).to.equal('/admin/login');
    expect(reason).to.equal(`${SESSION_ENDED_COOKIE}=accountBlocked`);
    expect(landing.status).to.equal(200);
    expect(pageState(html).errorMessage).to.equal('accountBlocked');
    // the page clears the reason, so the next login page is the plain one
    expect(landing.headers.getSetCookie().join()).to.contain(`${SESSION_ENDED_COOKIE}=;`);
    expect(pageState(await (await fetch(`${app().url}/admin/login`)).text()).errorMessage).to.equal(null);
  });

  it('when a blocked user\'s open session calls the API, then the answer is 401 with the reason in their own language', async () => {
    const user = await createUser(db(), { email: 'olga@example.test' });
    await user.update({ language: 'ru' });
    const client = await loggedIn(app().url, 'olga@example.test');
    await db().models.User.update({ blockedAt: new Date() }, { where: { id: user.id } });

    const answer = await client.get('/admin/api/resources/clients/actions/list');

    expect(answer.status).to.equal(401);
    expect(answer.body.notice).to.deep.equal({ message: ru.messages.accountBlocked, type: 'error' });
  });
});
