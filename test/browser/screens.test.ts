// The back office's screens in headless Chromium at a laptop's, a small laptop's and a phone's width: the menu
// beside the page from 1024 px, a list's main columns on a phone, references by name, statuses as coloured badges,
// headings and tab titles naming the resource, and a run's deliveries on its page (paged, by status, owner only).
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createClient, createMailingRow, createMessage, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { AdminClient } from '../helpers/admin-client.js';
import { chromiumAvailable, launchBrowser, offlineExceptFor, screenshot } from '../helpers/browser.js';
import { MANAGER_PERMISSIONS } from '../admin/world.js';
import { en } from '../../admin/locale/en.js';
import { ru } from '../../admin/locale/ru.js';

interface Seed {
  mailing: number;
  mailingName: string;
  attempt: number;
  failedAttempt: number;
}

describe('the back office screens at every width', function () {
  this.timeout(180_000);
  const db = useTestDatabase();
  let app: TestApp;
  let browser: Browser;
  let seed: Seed;

  before(async function () {
    if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
    app = await startTestApp({ db: db(), app: { admin: { prebuiltAssets: true } } }); // the scripts production serves (npm run build)
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  beforeEach(async () => {
    const owner = await createUser(db(), { email: 'olga@example.test', fullName: 'Olga Owner' });
    await createUser(db(), { email: 'other@example.test', fullName: 'Oscar Other' });
    await createUser(db(), { email: 'manager@example.test', fullName: 'Max Manager', permissions: MANAGER_PERMISSIONS });
    const ann = await createClient(db(), owner, { email: 'ann@example.test', fullName: 'Ann Reader' });
    const message = await createMessage(db(), owner, { subject: 'Winter news' });
    const mailing = await createMailingRow(db(), owner, { message, clients: [ann], name: 'Winter mailing' });
    const { Attempt, Delivery } = db().models;
    // a run of 45: 30 sent (the first to Ann), 15 refused
    const attempt = await Attempt.create({ mailingId: mailing.id, scheduledFor: new Date(), trigger: 'manual', status: 'success', recipientsCount: 45, sentCount: 30, failedCount: 15 });
    await Delivery.bulkCreate(
      Array.from({ length: 45 }, (_, i) => ({
        attemptId: attempt.id,
        clientId: i === 0 ? ann.id : null,
        email: i === 0 ? ann.email : `reader${String(i).padStart(2, '0')}@example.test`,
        status: i < 30 ? 'sent' : 'failed',
        responseCode: i < 30 ? 250 : 550,
        response: i < 30 ? '250 OK' : '550 no such user',
        sentAt: i < 30 ? new Date() : null,
      }) as const),
    );
    const failed = await Attempt.create({ mailingId: mailing.id, scheduledFor: new Date(), trigger: 'schedule', status: 'failure', serverResponse: '421 try later', recipientsCount: 1, failedCount: 1 });
    seed = { mailing: mailing.id, mailingName: 'Winter mailing', attempt: attempt.id, failedAttempt: failed.id };
  });

  async function login(email: string, width: number, height: number, locale: 'en-US' | 'ru-RU' = 'en-US'): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale, viewport: { width, height } });
    await offlineExceptFor(context, app.url);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('ERR_INTERNET_DISCONNECTED')) errors.push(message.text());
    });
    await page.goto(`${app.url}/admin/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.press('input[name="password"]', 'Enter');
    await page.waitForURL(`${app.url}/admin`);
    return { page, errors };
  }

  /** Is the element drawn inside the window (not pushed off to the left, not hidden)? */
  async function onScreen(page: Page, selector: string): Promise<boolean> {
    const element = page.locator(selector).first();
    if (!(await element.isVisible())) return false;
    const box = await element.boundingBox();
    const width = page.viewportSize()!.width;
    return box !== null && box.width > 0 && box.x >= 0 && box.x + box.width <= width + 1;
  }

  const MENU = '[data-css="sidebar"]';
  const MENU_BUTTON = '[data-css="topbar"] > :first-child';

  for (const [width, height] of [[1024, 768], [1280, 800]] as const) {
    it(`when the window is ${width} px wide, then the menu stands beside the page and there is no menu button`, async () => {
      const { page, errors } = await login('olga@example.test', width, height);
      await page.goto(`${app.url}/admin/resources/mailings`);
      await page.locator('[data-css="mailings-name-table-cell"]').first().waitFor();
      await screenshot(page, `screens-menu-${width}`);
      expect(await onScreen(page, MENU), 'the menu is on the screen').to.equal(true);
      expect(await page.locator(MENU).getByText(en.labels.Reports).first().isVisible(), 'the menu names its groups').to.equal(true);
      expect(await page.locator(MENU_BUTTON).isVisible(), 'the menu button is hidden').to.equal(false);
      // the page's content starts right of the menu, not under it
      const menu = (await page.locator(MENU).boundingBox())!;
      const content = (await page.locator('[data-css="app-content"]').boundingBox())!;
      expect(content.x).to.be.at.least(menu.x + menu.width - 1);
      expect(errors).to.deep.equal([]);
    });
  }

  it('when the window is a 390 px phone, then the menu waits behind its button and opens on a tap', async () => {
    const { page } = await login('olga@example.test', 390, 844);
    await page.goto(`${app.url}/admin/resources/mailings`);
    await page.locator('[data-css="mailings-name-table-cell"]').first().waitFor();
    expect(await onScreen(page, MENU)).to.equal(false);
    expect(await page.locator(MENU_BUTTON).isVisible()).to.equal(true);
    await page.locator(MENU_BUTTON).click();
    await page.waitForFunction((selector) => (document.querySelector(selector)?.getBoundingClientRect().x ?? -1) >= 0, MENU);
    expect(await onScreen(page, MENU)).to.equal(true);
  });

  it("when a content manager and an owner open the dashboard on a 390 px phone, then it sends nobody to a menu 'on the left' and names the runs' mailing, never '#id'", async () => {
    await createUser(db(), { email: 'clara@example.test', fullName: 'Clara Content', permissions: ['blog.manage'] });
    for (const [email, locale, t] of [['clara@example.test', 'en-US', en], ['clara@example.test', 'ru-RU', ru]] as const) {
      const { page, errors } = await login(email, 390, 844, locale);
      await page.getByText(t.components.Dashboard.useTheMenu).waitFor();
      const text = await page.locator('[data-testid="dashboard"]').innerText();
      expect(text, `${locale}: the content manager's dashboard`).to.not.match(/left|слева/i);
      expect(await page.locator(MENU_BUTTON).isVisible(), 'the ☰ button the text names').to.equal(true);
      expect(errors).to.deep.equal([]);
      await page.context().close();
    }
    const { page, errors } = await login('olga@example.test', 390, 844);
    const cell = page.locator(`[data-attempt-mailing="${seed.attempt}"]`);
    await cell.waitFor();
    expect(await cell.innerText()).to.contain(seed.mailingName);
    expect(await page.locator('[data-testid="dashboard"]').innerText()).to.not.contain(`#${seed.mailing}`);
    expect(errors).to.deep.equal([]);
  });

  it("when the dashboard shows a run of 12,345 recipients in English and in Russian, then its figures are written as each language writes numbers", async () => {
    const big = await db().models.Attempt.create({ mailingId: seed.mailing, scheduledFor: new Date(Date.now() + 1000), trigger: 'manual', status: 'success', recipientsCount: 12_345, sentCount: 12_000, failedCount: 345 });
    for (const [locale, written] of [['en-US', /12,000 \/ 345 \/ 12,345/], ['ru-RU', /12\s000 \/ 345 \/ 12\s345/]] as const) {
      const { page, errors } = await login('olga@example.test', 1280, 800, locale);
      const cell = page.locator(`tr:has([data-attempt-mailing="${big.id}"])`);
      await cell.waitFor();
      expect(await cell.innerText(), locale).to.match(written);
      expect(errors).to.deep.equal([]);
      await page.context().close();
    }
  });

  it('when lists are opened on a 390 px phone, then each shows its main columns with their headings, not only checkboxes, within the screen', async () => {
    const { page, errors } = await login('olga@example.test', 390, 844);
    const lists: Array<[string, string[], string[]]> = [
      ['mailings', ['name', 'state', 'nextRunAt'], [seed.mailingName, en.resources.mailings.labels.state.scheduled]],
      ['clients', ['email', 'fullName'], ['ann@example.test', 'Ann Reader']],
      ['messages', ['subject', 'createdAt'], ['Winter news']],
      ['attempts', ['mailingLabel', 'status', 'sentCount'], [seed.mailingName, en.resources.attempts.labels.status.success]],
      ['deliveries', ['email', 'status'], ['reader44@example.test', en.resources.deliveries.labels.status.failed]],
    ];
    for (const [resource, columns, words] of lists) {
      await page.goto(`${app.url}/admin/resources/${resource}`);
      await page.locator(`[data-css="${resource}-${columns[0]}-table-cell"]`).first().waitFor();
      await screenshot(page, `screens-phone-${resource}`);
      for (const column of columns) {
        expect(await onScreen(page, `[data-css="${resource}-${column}-table-cell"]`), `${resource}: the ${column} column`).to.equal(true);
      }
      const head = await page.locator(`[data-css="${resource}-table-head-row"]`).innerText();
      for (const column of columns) {
        const label = (en.properties as Record<string, unknown>)[column] ?? (en.labels as Record<string, unknown>)[column];
        if (typeof label === 'string') expect(head, `${resource}: the heading of ${column}`).to.contain(label);
      }
      const text = await page.evaluate(() => document.body.innerText);
      for (const word of words) expect(text, `${resource}: ${word}`).to.contain(word);
    }
    expect(errors).to.deep.equal([]);
  });

  it("when a manager opens the mailings list and a mailing's page, then the message and the owner are named, never by id, and the state is a coloured badge", async () => {
    const { page, errors } = await login('manager@example.test', 1280, 800);
    await page.goto(`${app.url}/admin/resources/mailings`);
    const row = page.locator(`tr[data-id="${seed.mailing}"]`);
    await row.waitFor();
    expect(await row.locator('[data-css="mailings-messageSubject-table-cell"]').innerText()).to.equal('Winter news');
    expect(await row.locator('[data-css="mailings-ownerName-table-cell"]').innerText()).to.equal('Olga Owner <olga@example.test>');
    expect(await page.locator('[data-css="mailings-table-head-row"]').innerText()).to.contain(en.properties.ownerName);
    const badge = row.locator('[data-css="mailings-state-table-cell"] [data-status="scheduled"]');
    expect(await badge.innerText()).to.equal(en.resources.mailings.labels.state.scheduled);
    await screenshot(page, 'screens-manager-mailings');

    await page.goto(`${app.url}/admin/resources/mailings/records/${seed.mailing}/show`);
    await page.getByText('Winter news').first().waitFor();
    const shown = await page.evaluate(() => document.body.innerText);
    expect(shown).to.contain('Olga Owner <olga@example.test>');
    expect(shown).to.not.match(new RegExp(`${en.properties.ownerId}\\n\\d+\\n`));
    expect(shown).to.not.match(/Message\n\d+\n/);
    // the latest runs say when in the service's zone, named (not an ISO time)
    expect(shown).to.not.match(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(shown).to.match(/\(UTC\) delivered/);
    expect(errors).to.deep.equal([]);
  });

  it('when the reports are opened, then attempts and deliveries name the mailing and the client, and statuses are badges coloured by outcome in the screen language', async () => {
    const { page } = await login('olga@example.test', 1280, 800);
    await page.goto(`${app.url}/admin/resources/attempts`);
    const success = page.locator(`tr[data-id="${seed.attempt}"] [data-status="success"]`);
    const failure = page.locator(`tr[data-id="${seed.failedAttempt}"] [data-status="failure"]`);
    expect(await success.innerText()).to.equal(en.resources.attempts.labels.status.success);
    expect(await failure.innerText()).to.equal(en.resources.attempts.labels.status.failure);
    const colour = (locator: typeof success) => locator.evaluate((element) => getComputedStyle(element).backgroundColor);
    const [green, red] = [await colour(success), await colour(failure)];
    expect(green).to.not.equal(red);
    expect(await page.locator(`tr[data-id="${seed.attempt}"] [data-css="attempts-mailingLabel-table-cell"]`).innerText()).to.equal(seed.mailingName);
    await screenshot(page, 'screens-attempts');

    await page.goto(`${app.url}/admin/resources/deliveries?filters.attemptId=${seed.attempt}&filters.email=ann@example.test`);
    const ann = page.locator('tr', { hasText: 'ann@example.test' }).first();
    await ann.waitFor();
    expect(await ann.locator('[data-css="deliveries-clientName-table-cell"]').innerText()).to.equal('Ann Reader <ann@example.test>');
    expect(await ann.locator('[data-css="deliveries-attemptId-table-cell"]').innerText()).to.equal(seed.mailingName);
    expect(await ann.locator('[data-status="sent"]').innerText()).to.equal(en.resources.deliveries.labels.status.sent);
  });

  it("when a list, a record's page and a form are opened in English and in Russian, then the heading and the tab's title name the resource and the record", async () => {
    for (const [locale, catalogue] of [['en-US', en], ['ru-RU', ru]] as const) {
      const { page, errors } = await login('olga@example.test', 1280, 800, locale);
      const mailings = catalogue.labels.mailings;
      const heading = () => page.locator('[data-css$="-action-header"] h2').first().innerText();
      await page.goto(`${app.url}/admin/resources/mailings`);
      await page.locator(`tr[data-id="${seed.mailing}"]`).waitFor();
      expect((await heading()).trim()).to.match(new RegExp(`^${mailings}\\s*\\d*$`));
      expect(await page.title()).to.equal(`${mailings} — Mailing Service`);

      await page.goto(`${app.url}/admin/resources/mailings/records/${seed.mailing}/show`);
      await page.getByText('Winter news').first().waitFor();
      expect((await heading()).trim()).to.equal(`${mailings} · ${seed.mailingName}`);
      expect(await page.title()).to.equal(`${mailings} · ${seed.mailingName} — Mailing Service`);

      await page.goto(`${app.url}/admin/resources/clients/actions/new`);
      await page.locator('[name="email"]').waitFor();
      expect((await heading()).trim()).to.equal(`${catalogue.actions.new} · ${catalogue.labels.clients}`);
      expect(await page.title()).to.equal(`${catalogue.actions.new} · ${catalogue.labels.clients} — Mailing Service`);
      await screenshot(page, `screens-title-${locale}`);
      expect(errors).to.deep.equal([]);
    }
  });

  it("when a message's subject holds a {{ variable }}, then its page's heading and tab title show the subject whole, the variable included", async () => {
    const owner = (await db().models.User.findOne({ where: { email: 'olga@example.test' } }))!;
    const subject = 'Hello {{ name | default: "friend" }}, news $t(inside)';
    const message = await createMessage(db(), owner, { subject });
    const { page, errors } = await login('olga@example.test', 1280, 800);
    await page.goto(`${app.url}/admin/resources/messages/records/${message.id}/show`);
    const heading = page.locator('[data-css$="-action-header"] h2').first();
    await heading.getByText('Hello').waitFor();
    // the heading may carry invisible word joiners (U+2060) between the braces: what a reader sees is the subject
    expect((await heading.innerText()).replace(/\u2060/g, '').trim()).to.equal(`${en.labels.messages} · ${subject}`);
    expect(await page.title()).to.equal(`${en.labels.messages} · ${subject} — Mailing Service`);
    expect(errors).to.deep.equal([]);
  });

  it("when the owner opens a mailing's edit screen in English and in Russian, then it says that saving changes the future runs only; the new-mailing form does not", async () => {
    for (const [locale, catalogue] of [['en-US', en], ['ru-RU', ru]] as const) {
      const { page, errors } = await login('olga@example.test', 1280, 800, locale);
      await page.goto(`${app.url}/admin/resources/mailings/records/${seed.mailing}/edit`);
      const note = page.getByTestId('edit-note');
      await note.waitFor();
      expect((await note.innerText()).trim()).to.equal(catalogue.resources.mailings.messages.editChangesFutureRunsOnly);
      await page.goto(`${app.url}/admin/resources/mailings/actions/new`);
      await page.locator('[name="name"]').waitFor();
      expect(await page.getByTestId('edit-note').count()).to.equal(0);
      expect(errors).to.deep.equal([]);
      await page.context().close();
    }
  });

  it("when the owner opens a run's page, then its deliveries are listed 20 a page, forward and back, and filtered by status in the screen language", async () => {
    for (const [locale, catalogue] of [['en-US', en], ['ru-RU', ru]] as const) {
      const { page, errors } = await login('olga@example.test', 1280, 800, locale);
      await page.goto(`${app.url}/admin/resources/attempts/records/${seed.attempt}/show`);
      const list = page.locator('[data-testid="attempt-deliveries"]');
      const rows = list.locator('tr[data-delivery]');
      await rows.first().waitFor();
      expect(await list.innerText()).to.contain(catalogue.components.AttemptDeliveries.title);
      expect(await rows.count()).to.equal(20);
      expect(await rows.first().innerText()).to.contain('ann@example.test').and.contain('Ann Reader');
      await list.locator('[data-testid="deliveries-next"]').click();
      await list.getByText('reader20@example.test').waitFor();
      expect(await rows.count()).to.equal(20);
      await list.locator('[data-testid="deliveries-next"]').click();
      await list.getByText('reader44@example.test').waitFor();
      expect(await rows.count()).to.equal(5);
      expect(await list.locator('[data-testid="deliveries-next"]').isDisabled()).to.equal(true);
      await list.locator('[data-testid="deliveries-previous"]').click();
      await list.getByText('reader20@example.test').waitFor();

      await list.locator('[data-testid="deliveries-status-failed"]').click();
      await list.getByText('reader44@example.test').waitFor(); // not on the page shown before (reader20…39)
      expect(await rows.count()).to.equal(15);
      expect(await list.locator('[data-status="failed"]').count()).to.equal(15);
      expect(await list.locator('[data-status="sent"]').count()).to.equal(0);
      expect(await list.locator('[data-status="failed"]').first().innerText()).to.equal(catalogue.resources.deliveries.labels.status.failed);
      await screenshot(page, `screens-run-deliveries-${locale}`);
      await list.locator('[data-testid="deliveries-status-skipped"]').click();
      await list.locator('[data-testid="deliveries-empty"]').waitFor();
      expect(await list.locator('[data-testid="deliveries-empty"]').innerText()).to.equal(catalogue.components.AttemptDeliveries.emptyStatus);
      expect(errors).to.deep.equal([]);
    }
  });

  it("when another user opens the run's page or asks the API for its deliveries, then they get nothing; the owner and a manager get them", async () => {
    const path = `/admin/api/attempts/${seed.attempt}/deliveries`;
    const other = new AdminClient(app.url);
    await other.login('other@example.test');
    for (const query of ['', '?status=failed', '?perPage=100']) {
      const answer = await other.get(`${path}${query}`);
      expect(answer.status, query).to.equal(404);
      expect(answer.body.notice.message).to.equal('There is no such run among your reports.');
      expect(answer.text).to.not.contain('@example.test');
    }
    const owner = new AdminClient(app.url);
    await owner.login('olga@example.test');
    const first = await owner.get(path);
    expect(first.status).to.equal(200);
    expect(first.body.deliveries).to.have.length(20);
    const failed = await owner.get(`${path}?status=failed&perPage=100`);
    expect(failed.body.deliveries).to.have.length(15);
    expect(failed.body.next).to.equal(null);
    const bad = await owner.get(`${path}?status=lost`);
    expect(bad.status).to.equal(400);
    expect(bad.body.notice.message).to.contain('status must be one of');
    const manager = new AdminClient(app.url);
    await manager.login('manager@example.test');
    expect((await manager.get(`${path}?perPage=100`)).body.deliveries).to.have.length(45);
    expect((await new AdminClient(app.url).get(path)).status).to.equal(401);

    const { page } = await login('other@example.test', 1280, 800);
    await page.goto(`${app.url}/admin/resources/attempts/records/${seed.attempt}/show`);
    await page.waitForLoadState('networkidle');
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).to.not.contain('reader01@example.test').and.not.contain('ann@example.test');
    expect(await page.locator('tr[data-delivery]').count()).to.equal(0);
  });
});
