// The public site and the account e-mails in English and Russian: the catalogues hold the same keys, the language
// follows the switcher's cookie, else Accept-Language, else APP_LOCALE (a person's profile setting wins for the
// e-mails), and dates and numbers are written per language, days in the service's zone.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createMessage, createUser } from '../helpers/factories.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { readCatalogue } from '../../public-site/i18n.js';
import { VIEWS_DIR } from '../../public-site/render.js';
import { readMailCatalogue } from '../../src/accounts/account-mail.js';
import { LANGUAGES } from '../../src/languages.js';
import { WebClient } from './helpers/web-client.js';

const NEW_PASSWORD = 'violet-kettle-93';

/** The keys of a catalogue as dotted paths, plural forms (_one, _few…) counted as their base key. */
function keysOf(catalogue: Record<string, unknown>, prefix = ''): string[] {
  return [
    ...new Set(
      Object.entries(catalogue).flatMap(([key, value]) =>
        value !== null && typeof value === 'object' ? keysOf(value as Record<string, unknown>, `${prefix}${key}.`) : [`${prefix}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`],
      ),
    ),
  ].sort();
}

describe('languages of the public site and the account e-mails', function () {
  this.timeout(60_000);

  describe('the catalogues', () => {
    it('when a key exists in one language of the public site, then it exists in every other, and no text is empty', () => {
      const [first, ...others] = LANGUAGES.map((language) => ({ language, keys: keysOf(readCatalogue(language)) }));
      for (const other of others) expect(other.keys, `${other.language} vs ${first!.language}`).to.deep.equal(first!.keys);
      for (const language of LANGUAGES) {
        const empty = JSON.stringify(readCatalogue(language)).match(/"[^"]+":""/g);
        expect(empty, language).to.equal(null);
      }
    });

    it('when a key exists in one language of the account e-mails, then it exists in every other', () => {
      const [first, ...others] = LANGUAGES.map((language) => ({ language, keys: keysOf(readMailCatalogue(language)) }));
      for (const other of others) expect(other.keys, `${other.language} vs ${first!.language}`).to.deep.equal(first!.keys);
    });

    it('when a view asks for a key, then the English catalogue has it', () => {
      const keys = new Set(keysOf(readCatalogue('en')));
      const views = fs.readdirSync(VIEWS_DIR, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ejs'));
      const asked = views.flatMap((file) => [...fs.readFileSync(path.join(VIEWS_DIR, file), 'utf8').matchAll(/\bt\('([\w.]+)'\s*[,)]/g)].map((m) => m[1]!));
      expect(asked.length).to.be.greaterThan(30);
      expect(asked.filter((key) => !keys.has(key))).to.deep.equal([]);
    });
  });

  describe('the pages', () => {
    const db = useTestDatabase();
    let smtp: SmtpTestServer;
    let app: TestApp;

    before(async () => {
      smtp = await sharedSmtpTestServer();
      app = await startTestApp({ db: db(), smtp, env: { APP_TIMEZONE: 'Europe/Moscow' } });
    });
    after(async () => {
      await app?.stop();
      smtp.reset();
    });
    beforeEach(() => smtp.reset());

    const fetchPage = async (pathname: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${app.url}${pathname}`, { headers, redirect: 'manual' });
      return { status: response.status, html: await response.text(), headers: response.headers };
    };

    it('when the browser asks for Russian, then the home page is in Russian (lang="ru"), and in English without a header (APP_LOCALE)', async () => {
      const russian = await fetchPage('/', { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.8' });
      expect(russian.html).to.contain('<html lang="ru">');
      expect(russian.html).to.contain('Из блога');
      expect(russian.html).to.not.contain('From the blog');
      const english = await fetchPage('/');
      expect(english.html).to.contain('<html lang="en">');
      expect(english.html).to.contain('From the blog');
    });

    it('when the switcher is used, then the lang cookie is set for the whole site for a year, the visitor goes back to the page, and the cookie wins over Accept-Language', async () => {
      const switched = await fetchPage('/language/ru?back=%2Fblog%3Fpage%3D2');
      expect(switched.status).to.equal(303);
      expect(switched.headers.get('location')).to.equal('/blog?page=2');
      const cookie = switched.headers.getSetCookie().find((line) => line.startsWith('lang='));
      expect(cookie).to.match(/^lang=ru; Max-Age=31536000; Path=\//);
      const page = await fetchPage('/blog', { cookie: 'lang=ru', 'accept-language': 'en-US' });
      expect(page.html).to.contain('<h1 class="mb-4">Блог</h1>');
      expect(page.html).to.contain('href="/language/en?back=%2Fblog"');
    });

    it('when the switcher is given another site or an unknown language, then it goes to the home page or answers 404', async () => {
      for (const back of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
        const answer = await fetchPage(`/language/en?back=${encodeURIComponent(back)}`);
        expect(answer.headers.get('location'), back).to.equal('/');
      }
      expect((await fetchPage('/language/de')).status).to.equal(404);
    });

    it('when a post was published at 00:00 Moscow time (APP_TIMEZONE), then the blog shows that day, not the day before, in both languages', async () => {
      const post = await db().models.BlogPost.create({ title: 'Midnight post', content: 'Text', publishedAt: new Date('2026-03-04T21:00:00Z') });
      const english = await fetchPage('/blog');
      expect(english.html).to.contain('5 March 2026');
      expect(english.html).to.not.contain('4 March 2026');
      const russian = await fetchPage(`/blog/${post.id}`, { cookie: 'lang=ru' });
      expect(russian.html).to.contain('5 марта 2026');
      expect(russian.html).to.contain('1 просмотр');
    });

    it('when there are thousands of mailings, then the home page writes the number per language (10,000 / 10 000)', async () => {
      const owner = await createUser(db(), { email: 'numbers@example.test' });
      const message = await createMessage(db(), owner);
      await db().sequelize.query(
        `INSERT INTO mailings (owner_id, message_id, start_at, end_at, periodicity)
         SELECT $1, $2, now(), now() + interval '1 day', 'daily' FROM generate_series(1, 10000)`,
        { bind: [owner.id, message.id] },
      );
      app.publicSite.cache.clear();
      expect((await fetchPage('/')).html).to.match(/data-stat="total-mailings">10,0\d\d</);
      expect((await fetchPage('/', { cookie: 'lang=ru' })).html).to.match(/data-stat="total-mailings">10\u00a00\d\d</);
    });

    it('when a visitor signs up in Russian, then the confirmation e-mail is in Russian', async () => {
      const browser = new WebClient(app.url);
      await browser.get('/language/ru?back=/register');
      const answer = await browser.submit('/register', { email: 'russian@example.test', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD, fullName: 'Анна' });
      expect(answer.status).to.equal(303);
      const [mail] = await smtp.waitForMessages(1, 3000);
      expect(mail!.subject).to.equal('Подтвердите адрес электронной почты для Mailing Service');
      expect(mail!.text).to.contain('Здравствуйте, Анна!');
      await app.publicSite.idle();
    });

    it('when a person whose profile says English asks for a reset from a Russian browser, then the e-mail is in English; with no setting, in Russian', async () => {
      await createUser(db(), { email: 'english-profile@example.test' });
      await db().models.User.update({ language: 'en' }, { where: { email: 'english-profile@example.test' } });
      await createUser(db(), { email: 'no-setting@example.test' });
      const browser = new WebClient(app.url);
      await browser.get('/language/ru?back=/');
      for (const email of ['english-profile@example.test', 'no-setting@example.test']) {
        const page = await browser.submit('/password/forgot', { email });
        expect(page.html).to.contain('Проверьте почту');
      }
      await app.publicSite.idle();
      await smtp.waitForMessages(2, 3000);
      expect(smtp.messagesTo('english-profile@example.test')[0]!.subject).to.equal('Reset your Mailing Service password');
      expect(smtp.messagesTo('no-setting@example.test')[0]!.subject).to.equal('Сброс пароля Mailing Service');
    });

    it('when a Russian visitor sends a bad sign-up form, then the field errors are in Russian', async () => {
      const browser = new WebClient(app.url);
      await browser.get('/language/ru?back=/register');
      const page = await browser.submit('/register', { email: 'not-an-address', password: 'short', passwordConfirmation: 'short' });
      expect(page.status).to.equal(422);
      expect(page.html).to.contain('Введите правильный адрес, например name@example.com.');
      expect(page.html).to.contain('Исправьте отмеченные поля.');
    });
  });
});
