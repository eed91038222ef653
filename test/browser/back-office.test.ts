// The back office in headless Chromium: a user logs in and creates a client, a message and a mailing with two
// clients through the screens; a manager disables it. Screenshots of each step go to test-artifacts/.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { chromiumAvailable, launchBrowser, offlineExceptFor, screenshot } from '../helpers/browser.js';
import { MANAGER_PERMISSIONS } from '../admin/world.js';

/** Polls until the check returns a value (the UI saves asynchronously); fails after the timeout. */
async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The value of an <input type="datetime-local"> for the moment in UTC. */
function typed(date: Date): string {
  return date.toISOString().slice(0, 16);
}

describe('the back office in a browser', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  let app: TestApp;
  let browser: Browser;

  before(async function () {
    if (!chromiumAvailable()) {
      throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
    }
    app = await startTestApp({ db: db(), app: { admin: { prebuiltAssets: true } } }); // the scripts production serves (npm run build)
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function login(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await offlineExceptFor(context, app.url);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${app.url}/admin/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.click('button:has-text("Login")');
    await page.waitForURL(`${app.url}/admin`);
    return page;
  }

  async function save(page: Page): Promise<void> {
    await page.click('button[type="submit"]');
  }

  async function pick(page: Page, input: ReturnType<Page['locator']>, text: string): Promise<void> {
    await input.click();
    await input.fill(text);
    await page.locator('[class*="option"]', { hasText: text }).first().waitFor();
    await input.press('Enter');
  }

  it('when a user creates a client, a message and a mailing with two clients, then a manager can disable it', async () => {
    const user = await createUser(db(), { email: 'ui-user@example.test', fullName: 'Una User' });
    await createUser(db(), { email: 'ui-manager@example.test', fullName: 'Max Manager', permissions: MANAGER_PERMISSIONS });
    const { Client, Message, Mailing, MailingClient } = db().models;
    // one client exists already; the second is made through the screen
    await Client.create({ ownerId: user.id, email: 'alice@example.test', fullName: 'Alice Existing' });

    const page = await login('ui-user@example.test');
    await page.getByText('Your mailings').waitFor();
    await page.getByText('No mailing has been sent yet').waitFor(); // the empty state of the latest attempts
    await screenshot(page, 'back-office-1-dashboard');

    await page.goto(`${app.url}/admin/resources/clients/actions/new`);
    await page.fill('[name="email"]', 'bob@example.test');
    await page.fill('[name="fullName"]', 'Bob Browser');
    await screenshot(page, 'back-office-2-client-form');
    await save(page);
    const bob = await eventually(() => Client.findOne({ where: { ownerId: user.id, email: 'bob@example.test' } }), 'the client');

    await page.goto(`${app.url}/admin/resources/messages/actions/new`);
    await page.fill('[name="subject"]', 'November news');
    await page.fill('[name="body"]', 'Hello from the browser test.');
    await save(page);
    const message = await eventually(() => Message.findOne({ where: { ownerId: user.id, subject: 'November news' } }), 'the message');

    await page.goto(`${app.url}/admin/resources/mailings/actions/new`);
    await page.fill('[name="name"]', 'November mailing');
    const combos = page.locator('input[role="combobox"]');
    await pick(page, combos.nth(0), 'November news');
    await pick(page, page.locator('#picker-clientIds'), 'alice@example.test');
    await pick(page, page.locator('#picker-clientIds'), 'bob@example.test');
    const start = new Date(Date.now() + 2 * 24 * 3600_000);
    start.setSeconds(0, 0);
    const end = new Date(start.getTime() + 14 * 24 * 3600_000);
    // the browser's date-and-time inputs, typed in the user's zone (APP_TIMEZONE here: UTC), which the form names
    await page.fill('input[name="startAt"]', typed(start));
    await page.fill('input[name="endAt"]', typed(end));
    await page.locator('[data-zone-hint="UTC"]', { hasText: 'Date and time in Coordinated Universal Time' }).first().waitFor();
    await pick(page, combos.last(), 'weekly');
    await screenshot(page, 'back-office-3-mailing-form');
    const posted = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/mailings/actions/new'));
    await save(page);
    // the picker sends the chosen clients as ONE field, not one field per client
    const form = (await posted).postData() ?? '';
    expect(form).to.contain('name="clientIds"');
    expect(form).not.to.contain('name="clientIds.');

    const mailing = await eventually(() => Mailing.findOne({ where: { ownerId: user.id } }), 'the mailing');
    expect(mailing.messageId).to.equal(message.id);
    expect(mailing.periodicity).to.equal('weekly');
    expect(mailing.startAt.getTime()).to.equal(start.getTime());
    expect(mailing.endAt!.getTime()).to.equal(end.getTime());
    const links = await MailingClient.findAll({ where: { mailingId: mailing.id } });
    const alice = await Client.findOne({ where: { email: 'alice@example.test' } });
    expect(links.map((l) => l.clientId).sort((a, b) => a - b)).to.deep.equal([alice!.id, bob.id].sort((a, b) => a - b));

    await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/show`);
    await page.getByText('bob@example.test').first().waitFor();
    await screenshot(page, 'back-office-4-mailing-show');
    // the edit form names the chosen clients (from one answer of the mailing's recipients action)
    await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/edit`);
    await page.locator('.client-picker-chip', { hasText: 'Bob Browser <bob@example.test>' }).waitFor();
    await screenshot(page, 'back-office-4b-mailing-edit');

    const manager = await login('ui-manager@example.test');
    await manager.goto(`${app.url}/admin/resources/mailings`);
    await manager.getByText('weekly').first().waitFor();
    await screenshot(manager, 'back-office-5-manager-list');
    await manager.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/disable`);
    await manager.click('[data-testid="confirm-disable"]');
    const disabled = await eventually(async () => {
      const fresh = await Mailing.findByPk(mailing.id);
      return fresh?.disabledAt ? fresh : null;
    }, 'the mailing to be disabled');
    expect(disabled.disabledById).to.not.equal(null);
    await manager.waitForURL(`${app.url}/admin/resources/mailings/records/${mailing.id}/show`);
    await screenshot(manager, 'back-office-6-disabled');
  });
});
