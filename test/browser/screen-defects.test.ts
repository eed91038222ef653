// Screen defects of issue 13 seen in headless Chromium, in English and in Russian: the login page, the words of
// every custom action, the 403 page, a duplicate e-mail on its field, group permissions by name, a user's groups on
// the user's form, and a blocked user's session ending on the login page that says why.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createClient, createMailingRow, createMessage, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { chromiumAvailable, launchBrowser, offlineExceptFor, screenshot } from '../helpers/browser.js';
import { MANAGER_PERMISSIONS } from '../admin/world.js';
import { en } from '../../admin/locale/en.js';
import { ru } from '../../admin/locale/ru.js';

type Catalogue = typeof en;
const LANGUAGES: Array<{ code: 'en' | 'ru'; locale: string; words: Catalogue }> = [
  { code: 'en', locale: 'en-US', words: en },
  { code: 'ru', locale: 'ru-RU', words: ru as Catalogue },
];

/** Action names and other keys that must never reach the screen as they are. */
const RAW_KEY = /\b(sendNow|disable|enable|block|unblock|clearBounce|pauseRun|resumeRun|cancelRun|importClients|exportClients|forbiddenError|anyForbiddenError|invalidCredentials|accountBlocked|thereWereValidationErrors)\b/;

describe('the screen defects of issue 13, in a browser', function () {
  this.timeout(180_000);
  const db = useTestDatabase();
  let app: TestApp;
  let browser: Browser;

  before(async function () {
    if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
    app = await startTestApp({ db: db(), app: { admin: { prebuiltAssets: true } } }); // the scripts production serves (npm run build)
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function newPage(locale: string): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
    await offlineExceptFor(context, app.url);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  /** The page's visible text once `waitFor` shows; fails on a raw key or an unfilled template. */
  async function cleanText(page: Page, name: string, waitFor: string): Promise<string> {
    await page.getByText(waitFor, { exact: false }).first().waitFor();
    await screenshot(page, `screen-defects-${name}`);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text, `${name}: a template`).to.not.contain('{{');
    expect(text.match(RAW_KEY)?.[0], `${name}: a raw key`).to.equal(undefined);
    return text;
  }

  async function login(page: Page, email: string, words: Catalogue, password = TEST_PASSWORD): Promise<void> {
    await page.goto(`${app.url}/admin/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', password);
    await page.click(`button:has-text("${words.components.Login.loginButton}")`);
  }

  async function loggedIn(email: string, language: (typeof LANGUAGES)[number]): Promise<Page> {
    const page = await newPage(language.locale);
    await login(page, email, language.words);
    await page.waitForURL(`${app.url}/admin`);
    return page;
  }

  for (const language of LANGUAGES) {
    const { words } = language;

    it(`when the login page is shown (${language.code}), then it names the product, links to sign-up and forgotten password, has username and current-password fields, and a failed login keeps the e-mail typed`, async () => {
      await createUser(db(), { email: `login-${language.code}@example.test` });
      const page = await newPage(language.locale);

      await page.goto(`${app.url}/admin/login`);
      const text = await cleanText(page, `login-${language.code}`, words.components.Login.welcomeMessage);
      expect(text).to.contain('Mailing Service').and.not.contain('AdminJS');
      expect(await page.title()).to.equal('Mailing Service');
      const signUp = page.getByTestId('login-sign-up');
      const forgot = page.getByTestId('login-forgot-password');
      expect([await signUp.getAttribute('href'), await signUp.innerText()]).to.deep.equal(['/register', words.components.Login.signUp]);
      expect([await forgot.getAttribute('href'), await forgot.innerText()]).to.deep.equal(['/password/forgot', words.components.Login.forgotPassword]);
      const email = page.locator('input[name="email"]');
      expect([await email.getAttribute('type'), await email.getAttribute('autocomplete')]).to.deep.equal(['email', 'username']);
      expect(await page.locator('input[name="password"]').getAttribute('autocomplete')).to.equal('current-password');

      await login(page, `login-${language.code}@example.test`, words, 'not-the-password');
      await cleanText(page, `login-failed-${language.code}`, words.messages.invalidCredentials);
      expect(await page.locator('input[name="email"]').inputValue()).to.equal(`login-${language.code}@example.test`);

      await forgot.click();
      await page.waitForURL(`${app.url}/password/forgot`);
    });

    it(`when the custom actions are opened (${language.code}), then their buttons and questions are the catalogue's words, never keys`, async () => {
      const suffix = language.code;
      const owner = await createUser(db(), { email: `owner-${suffix}@example.test` });
      await createUser(db(), { email: `manager-${suffix}@example.test`, permissions: MANAGER_PERMISSIONS });
      const blocked = await createUser(db(), { email: `blocked-${suffix}@example.test`, blocked: true });
      const client = await createClient(db(), owner, { email: `client-${suffix}@example.test` });
      await client.update({ bouncedAt: new Date(), bounceResponse: '550 5.1.1 no such user' });
      // the send-now question counts who would get it: the reader, not the bounced client
      const reader = await createClient(db(), owner, { email: `reader-${suffix}@example.test` });
      const mailing = await createMailingRow(db(), owner, { clients: [client, reader] });
      const disabled = await createMailingRow(db(), owner, { clients: [client] });
      await disabled.update({ disabledAt: new Date() });
      const message = await createMessage(db(), owner);

      const asOwner = await loggedIn(`owner-${suffix}@example.test`, language);
      const asManager = await loggedIn(`manager-${suffix}@example.test`, language);
      const mailingWords = words.resources.mailings.messages;
      const confirmations: Array<[Page, string, string, string]> = [
        [asOwner, `mailings/records/${mailing.id}/sendNow`, 'sendNow', mailingWords.sendNowConfirm.replace('{{recipientsCount}}', '1')],
        [asOwner, `clients/records/${client.id}/clearBounce`, 'clearBounce', words.resources.clients.messages.clearBounceConfirm],
        [asManager, `mailings/records/${mailing.id}/disable`, 'disable', mailingWords.disableConfirm],
        [asManager, `mailings/records/${disabled.id}/enable`, 'enable', mailingWords.enableConfirm],
        [asManager, `users/records/${owner.id}/block`, 'block', words.resources.users.messages.blockConfirm],
        [asManager, `users/records/${blocked.id}/unblock`, 'unblock', words.resources.users.messages.unblockConfirm],
      ];
      for (const [page, path, action, question] of confirmations) {
        await page.goto(`${app.url}/admin/resources/${path}`);
        const text = await cleanText(page, `${action}-${suffix}`, question);
        expect(await page.getByTestId(`confirm-${action}`).innerText(), path).to.equal((words.actions as Record<string, string>)[action]);
        expect(text).to.contain(question);
      }
      const screens: Array<[Page, string, string]> = [
        [asOwner, `clients/actions/importClients`, words.resources.clients.messages.importTitle],
        [asOwner, `clients/actions/exportClients`, words.resources.clients.messages.exportTitle],
        [asOwner, `messages/records/${message.id}/preview`, words.resources.messages.messages.previewFor],
        // the buttons of a record's page, and of a list's row
        [asManager, `mailings/records/${mailing.id}/show`, words.actions.disable],
        [asOwner, `mailings/records/${mailing.id}/show`, words.actions.sendNow],
      ];
      for (const [page, path, wanted] of screens) {
        await page.goto(`${app.url}/admin/resources/${path}`);
        await cleanText(page, `${path.replace(/\W+/g, '-')}-${suffix}`, wanted);
      }
    });

    it(`when a user opens a screen they may not use (${language.code}), then a 403 page in their language says so and leads back`, async () => {
      const user = await createUser(db(), { email: `curious-${language.code}@example.test` });
      const mailing = await createMailingRow(db(), user);
      const page = await loggedIn(`curious-${language.code}@example.test`, language);

      const response = await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/disable`);

      expect(response?.status()).to.equal(403);
      const text = await cleanText(page, `forbidden-${language.code}`, words.messages.forbiddenPage_title);
      expect(text).to.contain(words.messages.forbiddenError).and.contain('403');
      await page.getByText(words.messages.forbiddenPage_back).click();
      await page.waitForURL(`${app.url}/admin`);
    });

    it(`when a user saves a client with an e-mail they already have (${language.code}), then the e-mail field shows the reason, and neither name nor comment is marked required`, async () => {
      const user = await createUser(db(), { email: `dup-${language.code}@example.test` });
      await createClient(db(), user, { email: `taken-${language.code}@example.test` });
      const page = await loggedIn(`dup-${language.code}@example.test`, language);

      await page.goto(`${app.url}/admin/resources/clients/actions/new`);
      await page.locator('[data-testid="property-edit-email"] input').waitFor();
      const requiredMark = (field: string) =>
        page.locator(`[data-testid="property-edit-${field}"] label`).first().evaluate((label) => getComputedStyle(label, '::before').content);
      expect(await requiredMark('email')).to.contain('*');
      expect(await requiredMark('comment')).to.not.contain('*');
      expect(await requiredMark('fullName')).to.not.contain('*');
      await page.fill('[data-testid="property-edit-email"] input', `TAKEN-${language.code}@example.test`);
      await page.click('button[type="submit"]');

      const field = page.locator('[data-testid="property-edit-email"]');
      await field.getByText(words.messages.duplicateClientEmail).waitFor();
      await cleanText(page, `duplicate-client-${language.code}`, words.messages.duplicateClientEmail);
      expect(await db().models.Client.count({ where: { ownerId: user.id } })).to.equal(1);
    });
  }

  it('when the administrator opens the groups in Russian, then permissions show as their names, are chosen with labelled checkboxes, and a user\'s groups are set on the user\'s form', async () => {
    const ruLanguage = LANGUAGES[1]!;
    await createUser(db(), { email: 'root@example.test', superuser: true });
    const member = await createUser(db(), { email: 'member@example.test', fullName: 'Мария Участник' });
    const group = await db().models.Group.create({ name: 'auditors', permissions: ['mailing.view_all', 'user.view_all', 'user.block', 'blog.manage'] });
    const page = await loggedIn('root@example.test', ruLanguage);

    await page.goto(`${app.url}/admin/resources/groups`);
    const list = await cleanText(page, 'groups-list-ru', 'auditors');
    expect(list).to.contain(ru.labels.permissions.mailing.view_all).and.contain(ru.labels.permissions.blog.manage);
    expect(list).to.not.match(/Length|Длина|mailing\.view_all/);

    await page.goto(`${app.url}/admin/resources/groups/records/${group.id}/edit`);
    await cleanText(page, 'group-form-ru', ru.labels.permissions.user.block);
    // the label is what a person clicks (the design system draws the box over the input)
    await page.getByText(ru.labels.permissions.blog.manage, { exact: true }).click();
    await page.getByText(ru.labels.permissions.mailing.disable, { exact: true }).click();
    expect(await page.getByLabel(ru.labels.permissions.blog.manage).isChecked()).to.equal(false);
    expect(await page.getByLabel(ru.labels.permissions.mailing.disable).isChecked()).to.equal(true);
    await page.click('button[type="submit"]');
    await page.waitForURL((url) => !url.pathname.endsWith('/edit')); // saved: AdminJS leaves the form
    await group.reload();
    expect([...group.permissions].sort()).to.deep.equal(['mailing.disable', 'mailing.view_all', 'user.block', 'user.view_all']);

    await page.goto(`${app.url}/admin/resources/users/records/${member.id}/edit`);
    const groupsField = page.locator('[data-testid="property-edit-groupIds"]');
    await groupsField.waitFor();
    await cleanText(page, 'user-form-groups-ru', ru.properties.groupIds);
    await groupsField.getByRole('button').first().click(); // the array's "add an item"
    const input = groupsField.locator('input').last();
    await input.click();
    await input.fill('audit');
    await page.locator('[class*="option"]', { hasText: 'auditors' }).first().click();
    await page.click('button[type="submit"]');
    await page.waitForURL((url) => !url.pathname.endsWith('/edit'));
    const links = await db().models.UserGroup.findAll({ where: { userId: member.id } });
    expect(links.map((link) => link.groupId)).to.deep.equal([group.id]);
  });

  it('when a logged-in Russian-speaking user is blocked, then their next click lands on the login page saying, in Russian, that the account is blocked', async () => {
    const ruLanguage = LANGUAGES[1]!;
    const user = await createUser(db(), { email: 'soon-blocked@example.test' });
    await user.update({ language: 'ru' });
    const page = await loggedIn('soon-blocked@example.test', ruLanguage);
    await page.goto(`${app.url}/admin/resources/clients`);
    await page.getByText(ru.properties.email).first().waitFor();

    await db().models.User.update({ blockedAt: new Date() }, { where: { id: user.id } });
    // a click that stays inside the page's scripts (no page load): the breadcrumb back to the dashboard
    await page.getByRole('link', { name: ru.labels.dashboard }).first().click();

    await page.waitForURL(`${app.url}/admin/login`);
    await cleanText(page, 'session-ended-blocked-ru', ru.messages.accountBlocked);
  });
});
