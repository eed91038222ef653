// Date-times on the back-office screens in the person's zone, named, in both languages; the date-and-time picker
// typed in that zone; language and zone set on the person's own profile.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createClient, createMailingRow, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { chromiumAvailable, launchBrowser, offlineExceptFor, screenshot } from '../helpers/browser.js';
import { loggedIn } from '../helpers/admin-client.js';

describe('time zones on the back-office screens', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  let app: TestApp;
  let browser: Browser;

  before(async function () {
    if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
    app = await startTestApp({ db: db(), env: { APP_TIMEZONE: 'Asia/Tokyo' }, app: { admin: { prebuiltAssets: true } } }); // the scripts production serves
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function loginPage(email: string, locale = 'en-US'): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 }, timezoneId: 'America/New_York' });
    await offlineExceptFor(context, app.url);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${app.url}/admin/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.press('input[name="password"]', 'Enter');
    await page.waitForURL(`${app.url}/admin`);
    return page;
  }

  it("when a user's profile zone is Moscow, then a mailing starting 00:00 Moscow time shows as that in the page, the list and the form (whatever the browser's zone), and a time typed in the form is saved as Moscow time", async () => {
    const user = await createUser(db(), { email: 'moscow@example.test' });
    await user.update({ timeZone: 'Europe/Moscow' });
    const client = await createClient(db(), user);
    const mailing = await createMailingRow(db(), user, { clients: [client], startAt: new Date('2027-03-04T21:00:00Z'), endAt: new Date('2027-04-04T21:00:00Z') });
    const page = await loginPage('moscow@example.test');

    await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/show`);
    await page.getByText('5 Mar 2027, 00:00 (Moscow Standard Time)').first().waitFor();
    await screenshot(page, 'time-zones-show');

    await page.goto(`${app.url}/admin/resources/mailings`);
    await page.locator('[data-zoned-time]', { hasText: '5 Mar 2027, 00:00 (Moscow Standard Time)' }).first().waitFor();

    await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/edit`);
    const start = page.locator('input[name="startAt"]');
    expect(await start.getAttribute('type')).to.equal('datetime-local');
    await page.waitForFunction(() => (document.querySelector('input[name="startAt"]') as HTMLInputElement | null)?.value === '2027-03-05T00:00');
    await page.locator('[data-zone-hint="Europe/Moscow"]', { hasText: 'Date and time in Moscow Standard Time' }).first().waitFor();
    await start.fill('2027-03-06T09:30');
    await screenshot(page, 'time-zones-edit');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/admin\/resources\/mailings(\?|$)/, { timeout: 30_000 }).catch(async (error: unknown) => {
      await screenshot(page, 'time-zones-edit-saved');
      throw error;
    });
    await mailing.reload();
    expect(mailing.startAt.toISOString()).to.equal('2027-03-06T06:30:00.000Z');
  });

  it('when a user has no zone of their own, then the screens use the service zone (APP_TIMEZONE), in Russian for a Russian browser', async () => {
    const user = await createUser(db(), { email: 'tokyo@example.test' });
    const mailing = await createMailingRow(db(), user, { startAt: new Date('2026-03-04T21:00:00Z'), endAt: new Date('2026-04-04T21:00:00Z') });
    const page = await loginPage('tokyo@example.test', 'ru-RU');
    await page.goto(`${app.url}/admin/resources/mailings/records/${mailing.id}/show`);
    await page.getByText('5 мар. 2026 г., 06:00 (Япония, стандартное время)').first().waitFor();
  });

  it('when a person sets their own language and zone on their profile, then they are saved and the back office speaks that language to a browser asking for another', async () => {
    const user = await createUser(db(), { email: 'profile@example.test' });
    const client = await loggedIn(app.url, 'profile@example.test');
    const saved = await client.post(`/admin/api/resources/users/records/${user.id}/edit`, { language: 'ru', timeZone: 'Europe/Moscow' });
    expect(saved.status).to.equal(200);
    await user.reload();
    expect([user.language, user.timeZone]).to.deep.equal(['ru', 'Europe/Moscow']);

    const page = await loginPage('profile@example.test', 'en-US');
    expect(await page.getAttribute('html', 'lang')).to.equal('ru');
    await page.getByText('Ваши рассылки').first().waitFor();
  });

  it('when a person types an unknown zone on their profile, then the field says what to choose and nothing is saved', async () => {
    const user = await createUser(db(), { email: 'bad-zone@example.test' });
    const client = await loggedIn(app.url, 'bad-zone@example.test');
    const answer = await client.post(`/admin/api/resources/users/records/${user.id}/edit`, { timeZone: 'Mars/Olympus' });
    expect(JSON.stringify(answer.body)).to.contain('Choose a time zone by its IANA name, like Europe/Moscow');
    await user.reload();
    expect(user.timeZone).to.equal(null);
  });
});
