// A running run on the mailing's page and the dashboard, updating by itself: headless Chromium, a slow SMTP server.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createClient, createMailingRow, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { chromiumAvailable, launchBrowser, offlineExceptFor, screenshot } from '../helpers/browser.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { loadActor } from '../../src/access/policy.js';
import { FAST_TIMEOUTS } from '../helpers/mailing-fixtures.js';

describe('live progress in the browser', function () {
  this.timeout(180_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let app: TestApp;
  let browser: Browser;

  before(async function () {
    if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
    smtp = await sharedSmtpTestServer();
    app = await startTestApp({ db: db(), smtp, smtpTimeouts: { ...FAST_TIMEOUTS, socketMs: 5000 }, app: { admin: { prebuiltAssets: true } } }); // the scripts production serves (npm run build)
    browser = await launchBrowser();
  });
  after(async () => {
    smtp?.delayMessages(0);
    await browser?.close();
    await app?.stop();
  });

  async function loginPage(email: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    await offlineExceptFor(context, app.url);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.url}/admin/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.press('input[name="password"]', 'Enter');
    await page.waitForURL(`${app.url}/admin`);
    return { page, errors };
  }

  /** The sent count the page shows now. */
  const sentOn = async (page: Page): Promise<number> => Number(await page.locator('[data-progress-sent]').first().getAttribute('data-progress-sent'));

  it('when a run goes to a slow mail server, then the mailing page and the dashboard show its sent count rising to the total, a rate and the time left, without a reload', async () => {
    const owner = await createUser(db(), { email: 'live@example.test', fullName: 'Live Owner' });
    const clients = [];
    for (let i = 0; i < 45; i++) clients.push(await createClient(db(), owner, { email: `live-${i}@example.test` }));
    const mailing = await createMailingRow(db(), owner, { clients });
    const { page, errors } = await loginPage('live@example.test');
    const dashboard = await loginPage('live@example.test');
    await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/show`);
    await page.getByText(`#${mailing.id}`).first().waitFor().catch(() => undefined);
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });

    smtp.delayMessages(1000); // 45 mails over 3 connections: about 15 s (the socket timeout is raised above it)
    await app.ctx.mailings.sendNow((await loadActor(db().models, owner.id))!, mailing.id);

    await page.locator('[data-testid="live-progress"] [data-progress-total="45"]').waitFor();
    await dashboard.page.locator('[data-testid="live-progress"] [data-progress-total="45"]').waitFor();
    const first = await sentOn(page);
    const firstOnDashboard = await sentOn(dashboard.page);
    await page.waitForFunction((before) => Number(document.querySelector('[data-progress-sent]')?.getAttribute('data-progress-sent')) > before, first, { timeout: 60_000 });
    await dashboard.page.waitForFunction((before) => Number(document.querySelector('[data-progress-sent]')?.getAttribute('data-progress-sent')) > before, firstOnDashboard, { timeout: 60_000 });
    const text = await page.locator('[data-testid="live-progress"]').innerText();
    expect(text).to.match(/\d+ sent, 0 failed of 45/);
    expect(text).to.match(/per minute/);
    expect(text, 'the time left').to.match(/about .+ left/);
    await screenshot(page, 'live-progress-mailing');
    await screenshot(dashboard.page, 'live-progress-dashboard');
    expect(navigations, 'no reload').to.equal(0);
    expect([...errors, ...dashboard.errors]).to.deep.equal([]);
    smtp.delayMessages(0);
    // once the run is over it leaves the mailing's page by itself
    await page.locator('[data-testid="live-progress"]').waitFor({ state: 'detached', timeout: 60_000 });
  });
});
