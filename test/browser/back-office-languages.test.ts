// The back office in a Russian browser (headless Chromium with the ru-RU locale): the login page and the screens
// are in Russian, the switcher offers English, and no page shows a raw key (sendNow, disable…) or a {{template}}.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createClient, createMailingRow, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { chromiumAvailable, launchBrowser, offlineExceptFor, screenshot } from '../helpers/browser.js';
import { MANAGER_PERMISSIONS } from '../admin/world.js';
import { ru } from '../../admin/locale/ru.js';

/** Action names and other keys that must never reach the screen as they are. */
const RAW_KEY = /\b(sendNow|disable|enable|block|unblock|forbiddenError|anyForbiddenError|invalidCredentials|accountBlocked)\b/;

/**
 * Latin words a Russian screen may show: the product's name, the test data's message subjects ("Subject 3"),
 * react-select's placeholder "Select...", which AdminJS's filter and reference fields never pass to the catalogue,
 * and the file format "CSV", which Russian keeps as it is ("Импорт CSV").
 */
const LATIN_ALLOWED = new Set(['Mailing', 'Service', 'Subject', 'Select...', 'CSV']);

describe('the back office in a Russian browser', function () {
  this.timeout(120_000);
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

  async function russianPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 900 } });
    await offlineExceptFor(context, app.url);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  const visited: string[] = [];

  /** The page's visible text, once `waitFor` shows; fails on a raw key or an unfilled template. */
  async function expectClean(page: Page, name: string, waitFor: string): Promise<string> {
    await page.getByText(waitFor).first().waitFor();
    await screenshot(page, `back-office-ru-${name}`);
    const text = await page.evaluate(() => document.body.innerText);
    visited.push(name);
    const latin = [...new Set(text.match(/[A-Za-z][\w.@-]+/g) ?? [])].filter((word) => !word.includes('@') && !LATIN_ALLOWED.has(word));
    expect(latin, `${name}: English words on a Russian screen`).to.deep.equal([]);
    expect(text, `${name}: a template`).to.not.contain('{{');
    expect(text.match(RAW_KEY)?.[0], `${name}: a raw key`).to.equal(undefined);
    return text;
  }

  async function login(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
    await page.goto(`${app.url}/admin/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', password);
    await page.click(`button:has-text("${ru.components.Login.loginButton}")`);
  }

  it('when a Russian-speaking user logs in and opens the screens, then everything is in Russian with no raw key or template', async () => {
    const user = await createUser(db(), { email: 'olga@example.test', fullName: 'Ольга Иванова' });
    await createUser(db(), { email: 'manager@example.test', fullName: 'Пётр Менеджер', permissions: MANAGER_PERMISSIONS });
    const client = await createClient(db(), user, { email: 'client@example.test', fullName: 'Клиент Один' });
    const mailing = await createMailingRow(db(), user, { clients: [client] });

    const page = await russianPage();
    await page.goto(`${app.url}/admin/login`);
    await expectClean(page, 'login', ru.components.Login.welcomeMessage);
    expect(await page.getAttribute('html', 'lang')).to.equal('ru');

    await createUser(db(), { email: 'blocked@example.test', fullName: 'Борис Блокированный', blocked: true });
    await login(page, 'blocked@example.test');
    await expectClean(page, 'login-blocked', ru.messages.accountBlocked);

    await login(page, 'olga@example.test', 'not-the-password');
    await expectClean(page, 'login-failed', ru.messages.invalidCredentials);
    // the login page after AdminJS read the form: the browser's detector still chose Russian
    expect(await page.locator('input[name="email"]').getAttribute('placeholder')).to.equal(ru.components.Login.properties.email);

    await login(page, 'olga@example.test');
    await page.waitForURL(`${app.url}/admin`);
    const dashboard = await expectClean(page, 'dashboard', ru.components.Dashboard.yourMailings);
    // the sidebar (behind the menu button at this width) names its groups in Russian
    expect(dashboard).to.contain(ru.labels.navigation.toUpperCase()).and.contain(ru.labels.Mailings).and.contain(ru.labels.Reports);

    await page.goto(`${app.url}/admin/resources/mailings`);
    const list = await expectClean(page, 'mailings-list', ru.properties.startAt);
    expect(list).to.contain(ru.resources.mailings.labels.state.scheduled).and.contain(ru.labels.periodicity.daily);

    await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/show`);
    await expectClean(page, 'mailing-show', ru.properties.messageSubject);

    await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/sendNow`);
    // the question names the number of recipients (filled in from the record): wait for the words before it
    const confirm = await expectClean(page, 'send-now-confirm', ru.resources.mailings.messages.sendNowConfirm.split(' ({{')[0]!);
    expect(await page.locator('[data-testid="confirm-sendNow"]').innerText()).to.equal(ru.actions.sendNow);
    expect(confirm).to.contain(ru.actions.sendNow);

    // a user may not disable: the forbidden answer is in words, not "{{actionName}} on {{resourceId}}"
    await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/disable`);
    await page.getByText(ru.messages.forbiddenError).or(page.getByText(ru.messages.anyForbiddenError))
      .or(page.getByText('или у вас нет прав')).first().waitFor();
    await expectClean(page, 'forbidden', 'прав');

    await page.goto(`${app.url}/admin/resources/clients/actions/new`);
    await expectClean(page, 'client-form', ru.properties.fullName);

    const manager = await russianPage();
    await login(manager, 'manager@example.test');
    await manager.waitForURL(`${app.url}/admin`);
    await manager.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/disable`);
    await expectClean(manager, 'disable-confirm', ru.resources.mailings.messages.disableConfirm);
    expect(await manager.locator('[data-testid="confirm-disable"]').innerText()).to.equal(ru.actions.disable);
    await manager.goto(`${app.url}/admin/resources/users/records/${user.id}/block`);
    await expectClean(manager, 'block-confirm', ru.resources.users.messages.blockConfirm);
    await manager.goto(`${app.url}/admin/resources/users`);
    await expectClean(manager, 'users-list', ru.properties.lastLoginAt);

    expect(visited).to.have.length(12);
  });

  it('when a Russian browser picks English in the switcher, then the screens turn English and stay English on the next load', async () => {
    await createUser(db(), { email: 'switch@example.test' });
    const page = await russianPage();
    await login(page, 'switch@example.test');
    await page.waitForURL(`${app.url}/admin`);
    await page.getByText(ru.components.Dashboard.useTheMenu).or(page.getByText(ru.components.Dashboard.yourMailings)).first().waitFor();
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByText('English', { exact: true }).click();
    await page.getByText('Mailings').first().waitFor();
    await page.reload();
    await page.getByText('Mailings').first().waitFor();
    expect(await page.evaluate(() => document.body.innerText)).to.not.contain('Рассылки');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'lang')?.value).to.equal('en');
  });
});
