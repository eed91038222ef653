// The audience screens in headless Chromium: a user imports a CSV file through the import screen (preview, mapping,
// result with the refused row), then on a new mailing picks "all matching" in the client picker. Screenshots go to
// test-artifacts/.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createMessage, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { chromiumAvailable, launchBrowser, offlineExceptFor, screenshot } from '../helpers/browser.js';
import { csvBytes, tenRows } from '../audience/csv-fixtures.js';

describe('the audience screens in a browser', function () {
  this.timeout(180_000);
  const db = useTestDatabase();
  let app: TestApp;
  let browser: Browser;

  before(async function () {
    if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
    app = await startTestApp({ db: db() });
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
    page.setDefaultTimeout(30_000);
    await page.goto(`${app.url}/admin/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.click('button:has-text("Login")');
    await page.waitForURL(`${app.url}/admin`);
    return page;
  }

  it('when a user imports a Windows-1251 CSV through the screen and then picks "all matching" on a mailing, then the result page counts the rows, lists the refused one, and the picker chooses every match', async () => {
    const user = await createUser(db(), { email: 'ui-audience@example.test' });
    await createMessage(db(), user, { subject: 'Audience news' });
    const page = await login('ui-audience@example.test');

    await page.goto(`${app.url}/admin/resources/clients/actions/importClients`);
    await page.locator('[data-testid="import-upload"]').waitFor();
    const rows = [...tenRows(), ['not-an-address', 'Никто', '', '']];
    await page.setInputFiles('[data-testid="import-file"]', { name: 'клиенты.csv', mimeType: 'text/csv', buffer: csvBytes(rows, { encoding: 'windows-1251', delimiter: ';' }) });
    await page.click('[data-testid="import-upload-button"]');
    await page.locator('[data-testid="import-preview"]').waitFor();
    await page.getByText('Анна Петрова').first().waitFor(); // decoded from Windows-1251
    expect(await page.locator('#map-email').inputValue()).to.equal('0');
    await screenshot(page, 'audience-1-import-preview');
    await page.click('[data-testid="import-confirm"]');
    await page.locator('[data-testid="import-result"]').waitFor();
    expect(await page.locator('[data-testid="count-importAdded"]').textContent()).to.equal('10');
    expect(await page.locator('[data-testid="count-importRefused"]').textContent()).to.equal('1');
    expect(await page.locator('[data-testid="import-refusals"] tbody tr').allTextContents()).to.deep.equal(['13not-an-addressEnter a valid e-mail address']);
    expect(await page.locator('[data-testid="import-refused-csv"]').getAttribute('href')).to.match(/^\/admin\/audience\/imports\/\d+\/refused\.csv$/);
    await screenshot(page, 'audience-2-import-result');
    expect(await db().models.Client.count({ where: { ownerId: user.id } })).to.equal(10);

    await page.goto(`${app.url}/admin/resources/mailings/actions/new`);
    const picker = page.locator('#picker-clientIds');
    await picker.click();
    await picker.fill('ова');
    await page.locator('[class*="option"]', { hasText: 'Анна Петрова <anna@example.test>' }).first().waitFor();
    await page.click('[data-testid="picker-all-matching"]');
    await page.getByText('5 clients chosen').waitFor();
    const chips = await page.locator('.client-picker-chip').allTextContents();
    expect(chips.map((chip) => chip.replace(/×$/, '')).sort()).to.deep.equal([
      'Анна Петрова <anna@example.test>', 'Вера Смирнова <vera@example.test>', 'Дина Попова <dina@example.test>',
      'Зоя Козлова <zoya@example.test>', 'Кира Морозова <kira@example.test>',
    ]);
    await screenshot(page, 'audience-3-picker-all-matching');
  });
});
