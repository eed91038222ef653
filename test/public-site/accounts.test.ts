// Sign-up, confirmation, resend and password reset over HTTP against the real app, with the e-mails going through a
// real SMTP server.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { verifyPassword } from '../../src/accounts/passwords.js';
import { startSiteApp, type SiteApp } from './helpers/site-app.js';
import { linkIn, WebClient } from './helpers/web-client.js';

const NEW_PASSWORD = 'violet-kettle-93';

describe('accounts on the public site', function () {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let app: SiteApp;
  let browser: WebClient;

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });

  beforeEach(async () => {
    smtp.reset();
    app = await startSiteApp(db(), { smtp });
    browser = new WebClient(app.url);
  });

  afterEach(async () => {
    await app.stop();
    smtp.reset();
  });

  const register = (fields: Partial<Record<'email' | 'password' | 'passwordConfirmation' | 'fullName', string>> = {}) =>
    browser.submit('/register', { email: 'new@example.test', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD, fullName: 'New Person', ...fields });

  const user = (email = 'new@example.test') => db().models.User.findOne({ where: { email } });

  /** The path and query of the link of the newest mail to this address. */
  async function linkFromMail(to: string, path: string, count = 1): Promise<string> {
    await smtp.waitForMessages(count, 3000);
    const mails = smtp.messagesTo(to);
    return new URL(linkIn(mails[mails.length - 1]!.text, path)).pathname + new URL(linkIn(mails[mails.length - 1]!.text, path)).search;
  }

  describe('signing up', function () {
    it('when a visitor signs up, then an unverified account without group exists and a confirmation mail links to /verify under APP_URL', async function () {
      const answer = await register();

      expect(answer.status).to.equal(303);
      expect(answer.location).to.equal('/register/sent');
      const created = await user();
      expect(created!.verifiedAt).to.equal(null);
      expect(created!.fullName).to.equal('New Person');
      expect(await db().models.UserGroup.count({ where: { userId: created!.id } })).to.equal(0);
      expect(await verifyPassword(NEW_PASSWORD, created!.passwordHash)).to.equal(true);
      const [mail] = await smtp.waitForMessages(1, 3000);
      expect(mail!.envelopeTo).to.deep.equal(['new@example.test']);
      expect(linkIn(mail!.text, '/verify?token=')).to.match(new RegExp(`^${app.url}/verify\\?token=[A-Za-z0-9_-]{43}$`));
    });

    it('when the fields are wrong, then the form comes back with a message per field and keeps what was typed', async function () {
      const cases: [Record<string, string>, string, string][] = [
        [{ email: 'not-an-address' }, 'email', 'Enter a valid e-mail address'],
        [{ email: 'a..b@example.test' }, 'email', 'Enter a valid e-mail address'],
        [{ password: 'short', passwordConfirmation: 'short' }, 'password', 'at least 10 characters'],
        [{ password: 'password123', passwordConfirmation: 'password123' }, 'password', 'most common'],
        [{ passwordConfirmation: 'something-else-1' }, 'passwordConfirmation', 'The two passwords differ'],
      ];
      for (const [fields, field, message] of cases) {
        const answer = await register({ ...fields, fullName: 'Kept <Name>' });
        expect(answer.status, field).to.equal(422);
        expect(answer.html).to.match(new RegExp(`id="${field}-error">[^<]*${message}`));
        expect(answer.html).to.contain('value="Kept &lt;Name&gt;"');
      }
      expect(await db().models.User.count()).to.equal(0);
    });

    it('when the e-mail is already registered, whatever its case, then the form says so and no mail is sent', async function () {
      await createUser(db(), { email: 'taken@example.test' });

      const answer = await register({ email: 'TAKEN@example.test' });

      expect(answer.status).to.equal(422);
      expect(answer.html).to.contain('already exists');
      expect(smtp.messages).to.have.lengthOf(0);
    });
  });

  describe('confirming the address', function () {
    it('when the link is opened (GET), then nothing is confirmed; when the button is pressed (POST), then the account is verified, once', async function () {
      await register();
      const link = await linkFromMail('new@example.test', '/verify?token=');

      const shown = await browser.get(link);
      expect(shown.status).to.equal(200);
      expect(shown.html).to.contain('Confirm my address');
      expect((await user())!.verifiedAt, 'after GET').to.equal(null);

      const confirmed = await browser.submit(link, {});
      expect(confirmed.status).to.equal(200);
      expect(confirmed.html).to.contain('Address confirmed');
      expect((await user())!.verifiedAt).to.be.instanceOf(Date);

      const again = await browser.get(link);
      expect(again.status, 'a used link').to.equal(200);
      expect(again.html).to.contain('Already confirmed').and.contain('href="/admin/login"').and.not.contain('This link does not work');
    });

    it('when a used confirmation link is opened or its button pressed again, then the page says the address is already confirmed and links to the login, in English and in Russian', async function () {
      await register();
      const link = await linkFromMail('new@example.test', '/verify?token=');
      await browser.submit(link, {});
      const token = new URL(link, app.url).searchParams.get('token')!;
      const csrf = async () => (await browser.get('/verify/resend')).html.match(/name="_csrf" value="([^"]+)"/)![1]!;

      const pressedAgain = await browser.post('/verify', { token, _csrf: await csrf() });
      await browser.get('/language/ru?back=/');
      const inRussian = await browser.get(link);

      expect(pressedAgain.status).to.equal(200);
      expect(pressedAgain.html).to.contain('Already confirmed').and.contain('This address is already confirmed and your account is active: log in.').and.contain('href="/admin/login"');
      expect(inRussian.status).to.equal(200);
      expect(inRussian.html).to.contain('Адрес уже подтверждён').and.contain('Этот адрес уже подтверждён, аккаунт активен: войдите.').and.contain('href="/admin/login"');
    });

    it('when a superseded link of an address not confirmed yet is opened, then it is still refused as not working', async function () {
      await register();
      const first = await linkFromMail('new@example.test', '/verify?token=');
      await browser.submit('/verify/resend', { email: 'new@example.test' });
      await linkFromMail('new@example.test', '/verify?token=', 2);

      const old = await browser.get(first);

      expect(old.status).to.equal(400);
      expect(old.html).to.contain('This link does not work').and.not.contain('Already confirmed');
    });

    it('when the token is forged, then confirming fails and nothing changes', async function () {
      await register();
      await smtp.waitForMessages(1, 3000);

      const forged = 'A'.repeat(43);
      expect((await browser.get(`/verify?token=${forged}`)).status).to.equal(400);
      const posted = await browser.post('/verify', { token: forged, _csrf: (await browser.get('/verify/resend')).html.match(/name="_csrf" value="([^"]+)"/)![1]! });

      expect(posted.status).to.equal(400);
      expect((await user())!.verifiedAt).to.equal(null);
    });

    it('when the link has expired, then it no longer confirms', async function () {
      await app.stop();
      app = await startSiteApp(db(), { smtp, accounts: { tokenTtlMs: { verify: 50 } } });
      browser = new WebClient(app.url);
      await register();
      const link = await linkFromMail('new@example.test', '/verify?token=');
      await new Promise((resolve) => setTimeout(resolve, 80));

      expect((await browser.get(link)).status).to.equal(400);
      expect((await user())!.verifiedAt).to.equal(null);
    });

    it('when a new link is asked for, then it arrives, the old one stops working, and the answer is the same for an unknown address', async function () {
      await register();
      const first = await linkFromMail('new@example.test', '/verify?token=');

      const known = await browser.submit('/verify/resend', { email: 'new@example.test' });
      const second = await linkFromMail('new@example.test', '/verify?token=', 2);
      const unknown = await browser.submit('/verify/resend', { email: 'nobody@example.test' });

      const neutral = (html: string, email: string) => html.replace(email, 'EMAIL').replace(/name="_csrf" value="[^"]*"/, '');
      expect(known.status).to.equal(unknown.status);
      expect(neutral(known.html, 'new@example.test')).to.equal(neutral(unknown.html, 'nobody@example.test'));
      expect(second).to.not.equal(first);
      expect((await browser.get(first)).status, 'the first link').to.equal(400);
      expect((await browser.get(second)).status, 'the new link').to.equal(200);
      await app.publicSite.idle();
      expect(smtp.messagesTo('nobody@example.test')).to.have.lengthOf(0);
    });
  });

  describe('resetting a password', function () {
    it('when a user asks for a reset, then the mailed link sets the new password once, and an unknown address gets the same answer', async function () {
      const existing = await createUser(db(), { email: 'ada@example.test' });

      const known = await browser.submit('/password/forgot', { email: 'ADA@example.test' });
      const link = await linkFromMail('ada@example.test', '/password/reset?token=');
      const unknown = await browser.submit('/password/forgot', { email: 'ghost@example.test' });
      expect(known.status).to.equal(200);
      expect(unknown.status).to.equal(200);
      expect(known.html.replace('ADA@example.test', 'X').replace(/value="[^"]*"/g, '')).to.equal(unknown.html.replace('ghost@example.test', 'X').replace(/value="[^"]*"/g, ''));

      const weak = await browser.submit(link, { password: 'short', passwordConfirmation: 'short' });
      expect(weak.status, 'a weak password keeps the link usable').to.equal(422);

      const done = await browser.submit(link, { password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD });
      expect(done.status).to.equal(200);
      expect(done.html).to.contain('Password changed');
      await existing.reload();
      expect(await verifyPassword(NEW_PASSWORD, existing.passwordHash)).to.equal(true);
      expect(await verifyPassword(TEST_PASSWORD, existing.passwordHash)).to.equal(false);

      expect((await browser.get(link)).status, 'the used link').to.equal(400);
      await app.publicSite.idle();
      expect(smtp.messagesTo('ghost@example.test')).to.have.lengthOf(0);
    });
  });

  describe('when things go wrong', function () {
    it('when the mail server is down at sign-up, then the account exists and the page offers a new link', async function () {
      await smtp.refuseConnections();
      try {
        const answer = await register();

        expect(answer.status).to.equal(303);
        expect(answer.location).to.equal('/register/sent?mail=failed');
        expect((await browser.get(answer.location!)).html).to.contain('could not send the confirmation e-mail').and.contain('href="/verify/resend"');
        expect(await user()).to.not.equal(null);
      } finally {
        await smtp.acceptConnections();
      }
    });

    it('when a password is reset, then the other sessions of that user end', async function () {
      const ada = await createUser(db(), { email: 'ada@example.test' });
      const other = await createUser(db(), { email: 'bob@example.test' });
      const expire = new Date(Date.now() + 3600_000).toISOString();
      for (const [sid, id] of [['s-ada', ada.id], ['s-bob', other.id]] as const) {
        await db().sequelize.query('INSERT INTO sessions (sid, sess, expire) VALUES (:sid, :sess, :expire)', {
          replacements: { sid, sess: JSON.stringify({ cookie: {}, adminUser: { id } }), expire },
        });
      }

      await browser.submit('/password/forgot', { email: 'ada@example.test' });
      const link = await linkFromMail('ada@example.test', '/password/reset?token=');
      await browser.submit(link, { password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD });

      const [rows] = await db().sequelize.query('SELECT sid FROM sessions ORDER BY sid');
      expect(rows).to.deep.equal([{ sid: 's-bob' }]);
    });

    it('when a blocked user asks for a reset or a new confirmation link, then no mail is sent and the answer is the usual one', async function () {
      await createUser(db(), { email: 'blocked@example.test', blocked: true, verified: false });

      const reset = await browser.submit('/password/forgot', { email: 'blocked@example.test' });
      const resend = await browser.submit('/verify/resend', { email: 'blocked@example.test' });
      await app.publicSite.idle();

      expect(reset.status).to.equal(200);
      expect(resend.status).to.equal(200);
      expect(smtp.messages).to.have.lengthOf(0);
    });
  });

  describe('protection', function () {
    it('when a form is posted without its CSRF token, or with another visitor\'s, then it is refused and nothing is created', async function () {
      const bare = await browser.post('/register', { email: 'csrf@example.test', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD });
      const stranger = new WebClient(app.url);
      const strangersToken = (await stranger.get('/register')).html.match(/name="_csrf" value="([^"]+)"/)![1]!;
      await browser.get('/register'); // the browser holds its own token cookie: only the token in the form is foreign
      const borrowed = await browser.post('/register', { _csrf: strangersToken, email: 'csrf@example.test', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD });

      expect(bare.status).to.equal(403);
      expect(borrowed.status).to.equal(403);
      expect(bare.html).to.contain('This form has expired');
      expect(await db().models.User.count()).to.equal(0);
    });

    it('when a visitor posts more than the limit, then the next answer is the 429 page', async function () {
      await app.stop();
      const limit = { limit: 2, windowMs: 60_000 };
      app = await startSiteApp(db(), { smtp, site: { rateLimits: { register: limit, resend: limit, reset: limit } } });
      browser = new WebClient(app.url);

      for (const path of ['/register', '/verify/resend', '/password/forgot']) {
        const answers = [];
        for (let i = 0; i < 3; i++) answers.push((await browser.submit(path, { email: `x${i}@example.test` })).status);
        expect(answers.slice(0, 2), path).to.not.include(429);
        expect(answers[2], path).to.equal(429);
      }
      const page = await browser.submit('/register', { email: 'y@example.test' });
      expect(page.html).to.contain('Too many attempts');
      expect(page.headers.get('ratelimit-policy')).to.be.a('string');
    });

    it('when a page is served, then it carries the security headers', async function () {
      const response = await fetch(`${app.url}/register`);

      expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(response.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
      expect(response.headers.get('content-security-policy')).to.contain("default-src 'self'").and.contain("frame-ancestors 'none'");
      const cookies = response.headers.getSetCookie().join('\n');
      expect(cookies).to.match(/ms\.csrf=[^;]+;.*HttpOnly/).and.match(/SameSite=Lax/);
    });
  });
});
