// The journeys of each role through the back office in headless Chromium, on a laptop (1280×800) and a phone
// (390×844), in English and in Russian: a user creates a client, a message and a mailing and watches its run; a
// manager disables a mailing and blocks a user; a content manager publishes a post; an administrator gives a user
// a group on the user's form. Every page visited is checked: no console error, no raw key, no unfilled {{template}}.
// One app and one browser for the file; each view gets its own browser context (its language and size).
import { expect } from 'chai';
import type { Browser, Locator, Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createClient, createMailingRow, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { chromiumAvailable, launchBrowser, offlineExceptFor, screenshot } from '../helpers/browser.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { eventually } from '../helpers/run-checks.js';
import { MANAGER_PERMISSIONS } from '../admin/world.js';
import { en } from '../../admin/locale/en.js';
import { ru } from '../../admin/locale/ru.js';

type Catalogue = typeof en;

interface View {
  name: string;
  width: number;
  height: number;
  locale: 'en-US' | 'ru-RU';
  t: Catalogue;
}

/** The mail server answers each message after this long while a run is watched. */
const SERVER_DELAY_MS = 6000;
const SLOW_SERVER_TIMEOUTS = { connectionMs: 5000, greetingMs: 5000, socketMs: 15_000, sendMs: 15_000 };

const VIEWS: View[] = [
  { name: 'laptop-en', width: 1280, height: 800, locale: 'en-US', t: en },
  { name: 'phone-ru', width: 390, height: 844, locale: 'ru-RU', t: ru as unknown as Catalogue },
  { name: 'laptop-ru', width: 1280, height: 800, locale: 'ru-RU', t: ru as unknown as Catalogue },
  { name: 'phone-en', width: 390, height: 844, locale: 'en-US', t: en },
];

/** Keys of the catalogue that must never reach a screen as they are (camelCase: never a word of either language). */
const RAW_KEY = /\b(sendNow|pauseRun|resumeRun|cancelRun|clearBounce|importClients|exportClients|bulkDelete|forbiddenError|anyForbiddenError|invalidCredentials|accountBlocked|editChangesFutureRunsOnly|welcomeHeader|welcomeMessage|loginButton)\b/;
/** Action names that would be a raw key when they stand alone as a button or a line. */
const ACTION_NAMES = new Set(['disable', 'enable', 'block', 'unblock', 'sendNow', 'new', 'edit', 'show', 'delete', 'list', 'preview']);

describe('the journeys of each role in a browser, on a laptop and a phone, in English and in Russian', function () {
  this.timeout(180_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let app: TestApp;
  let browser: Browser;

  before(async function () {
    if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
    smtp = await sharedSmtpTestServer();
    // timeouts above the slow server's delay (the user's run is watched while it goes on)
    app = await startTestApp({ db: db(), smtp, smtpTimeouts: SLOW_SERVER_TIMEOUTS, app: { admin: { prebuiltAssets: true } } }); // the scripts production serves (npm run build)
    browser = await launchBrowser();
  });
  after(async () => {
    smtp?.delayMessages(0);
    await browser?.close();
    await app?.stop();
  });

  /** One person's visit in one view: the page, and every check made on every page visited. */
  class Visit {
    readonly errors: string[] = [];
    readonly visited: string[] = [];
    private constructor(
      readonly page: Page,
      readonly view: View,
      private readonly who: string,
    ) {
      page.on('pageerror', (error) => this.errors.push(`${this.where()}: ${error.message}`));
      page.on('console', (message) => {
        // the offline machine refuses AdminJS's web font (test/helpers/browser.ts): not an error of ours
        if (message.type() === 'error' && !message.text().includes('ERR_INTERNET_DISCONNECTED')) this.errors.push(`${this.where()}: ${message.text()}`);
      });
    }

    private where(): string {
      return `${this.view.name} ${this.who} ${this.page.url()}`;
    }

    static async start(view: View, who: string): Promise<Visit> {
      const context = await browser.newContext({ locale: view.locale, viewport: { width: view.width, height: view.height } });
      await offlineExceptFor(context, app.url);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return new Visit(page, view, who);
    }

    /** The page's visible text once (one of) `waitFor` shows, checked: no raw key, no {{template}}. */
    async check(name: string, waitFor: string | string[] | Locator): Promise<string> {
      if (typeof waitFor === 'string' || Array.isArray(waitFor)) {
        const [first, ...others] = typeof waitFor === 'string' ? [waitFor] : waitFor;
        let shown = this.page.getByText(first!);
        for (const other of others) shown = shown.or(this.page.getByText(other));
        await shown.filter({ visible: true }).first().waitFor();
      } else {
        await waitFor.first().waitFor();
      }
      const text = await this.page.evaluate(() => document.body.innerText);
      this.visited.push(name);
      try {
        expect(text, `${this.where()} (${name}): a template`).to.not.contain('{{');
        expect(text.match(RAW_KEY)?.[0], `${this.where()} (${name}): a raw key`).to.equal(undefined);
        const bare = text.split('\n').map((line) => line.trim()).filter((line) => ACTION_NAMES.has(line));
        expect(bare, `${this.where()} (${name}): an action's raw name`).to.deep.equal([]);
      } catch (error) {
        await screenshot(this.page, `journey-${this.view.name}-${this.who}-${name}`); // what was on the screen
        throw error;
      }
      return text;
    }

    async go(path: string, name: string, waitFor: string | string[]): Promise<string> {
      await this.page.goto(`${app.url}${path}`);
      return this.check(name, waitFor);
    }

    async login(email: string): Promise<void> {
      await this.page.goto(`${app.url}/admin/login`);
      await this.check('login', this.page.locator('input[name="email"]')); // its words are another branch's
      await this.page.fill('input[name="email"]', email);
      await this.page.fill('input[name="password"]', TEST_PASSWORD);
      await this.page.press('input[name="password"]', 'Enter');
      await this.page.waitForURL(`${app.url}/admin`);
    }

    /** Chooses `text` in a react-select picker (type, wait for the option, Enter). */
    async pick(input: ReturnType<Page['locator']>, text: string): Promise<void> {
      await input.click();
      await input.fill(text);
      await this.page.locator('[class*="option"]', { hasText: text }).first().waitFor();
      await input.press('Enter');
    }

    async save(): Promise<void> {
      await this.page.click('button[type="submit"]');
    }

    /** The last page's screenshot (test-artifacts/), then the checks of the whole visit. */
    async finish(expectedPages: number): Promise<void> {
      await screenshot(this.page, `journey-${this.view.name}-${this.who}-last`);
      expect(this.errors, `${this.view.name} ${this.who}: console errors`).to.deep.equal([]);
      expect(this.visited, `${this.view.name} ${this.who}: pages checked`).to.have.length(expectedPages);
    }
  }

  it('when a user creates a client, a message and a mailing and sends it, then its run shows its progress and its deliveries, on every view', async () => {
    const { Client, Message, Mailing, Attempt } = db().models;
    for (const view of VIEWS) {
      const t = view.t;
      const email = `user-${view.name}@example.test`;
      const user = await createUser(db(), { email, fullName: 'Una User' });
      await createClient(db(), user, { email: `first-${view.name}@example.test`, fullName: 'First Reader' });
      const visit = await Visit.start(view, 'user');
      await visit.login(email);
      await visit.check('dashboard', t.components.Dashboard.yourMailings);

      await visit.go('/admin/resources/clients/actions/new', 'client-form', t.properties.fullName);
      await visit.page.fill('[name="email"]', `second-${view.name}@example.test`);
      await visit.page.fill('[name="fullName"]', 'Second Reader');
      await visit.page.fill('[name="comment"]', 'met at the fair');
      await visit.save();
      await eventually(() => Client.findOne({ where: { ownerId: user.id, email: `second-${view.name}@example.test` } }), 'the client');
      await visit.check('client-saved', 'Second Reader');

      const subject = `News for ${view.name}`;
      await visit.go('/admin/resources/messages/actions/new', 'message-form', t.properties.subject);
      await visit.page.fill('[name="subject"]', subject);
      await visit.page.fill('[name="body"]', 'Hello, here is our news.');
      await visit.save();
      await eventually(() => Message.findOne({ where: { ownerId: user.id, subject } }), 'the message');
      await visit.check('message-saved', subject);

      const name = `Mailing ${view.name}`;
      await visit.go('/admin/resources/mailings/actions/new', 'mailing-form', t.resources.mailings.properties.name);
      await visit.page.fill('[name="name"]', name);
      const combos = visit.page.locator('input[role="combobox"]');
      await visit.pick(combos.nth(0), subject);
      await visit.pick(visit.page.locator('#picker-clientIds'), `first-${view.name}@example.test`);
      await visit.pick(visit.page.locator('#picker-clientIds'), `second-${view.name}@example.test`);
      const start = new Date(Date.now() + 24 * 3600_000);
      await visit.page.fill('input[name="startAt"]', start.toISOString().slice(0, 16));
      await visit.pick(combos.last(), t.labels.periodicity.once);
      await visit.save();
      const mailing = await eventually(() => Mailing.findOne({ where: { ownerId: user.id, name } }), 'the mailing');

      // sent now through its confirmation; the mail server answers slowly, so the run is seen going on
      smtp.delayMessages(SERVER_DELAY_MS);
      await visit.go(`/admin/resources/mailings/records/${mailing.id}/sendNow`, 'send-now', t.actions.sendNow);
      await visit.page.click('[data-testid="confirm-sendNow"]');
      await visit.page.waitForURL(`${app.url}/admin/resources/mailings/records/${mailing.id}/show`);
      await visit.check('mailing-show', name);
      const progress = visit.page.locator('[data-testid="live-progress"] [data-progress-total="2"]');
      await progress.waitFor();
      await visit.check('mailing-running', t.components.LiveProgress.title);
      smtp.delayMessages(0);
      await visit.page.locator('[data-testid="live-progress"]').waitFor({ state: 'detached', timeout: 30_000 });
      const attempt = await eventually(async () => (await Attempt.findOne({ where: { mailingId: mailing.id } }))?.finishedAt && Attempt.findOne({ where: { mailingId: mailing.id } }), 'the finished run', 60_000);
      expect(attempt).to.include({ status: 'success', sentCount: 2, failedCount: 0 });

      await visit.go(`/admin/resources/attempts/records/${attempt.id}/show`, 'run', t.components.AttemptDeliveries.title);
      const rows = visit.page.locator('[data-testid="attempt-deliveries"] tr[data-delivery]');
      await rows.nth(1).waitFor();
      expect(await rows.count()).to.equal(2);
      expect(await visit.page.locator('[data-testid="attempt-deliveries"] [data-status="sent"]').count()).to.equal(2);
      await visit.check('run-deliveries', `second-${view.name}@example.test`);
      await visit.finish(12);
      await visit.page.context().close();
    }
  });

  it('when a manager disables a mailing and blocks a user, then both are done through the screens, on every view', async () => {
    const { Mailing, User } = db().models;
    await createUser(db(), { email: 'manager@example.test', fullName: 'Max Manager', permissions: MANAGER_PERMISSIONS });
    for (const view of VIEWS) {
      const t = view.t;
      const owner = await createUser(db(), { email: `owner-${view.name}@example.test`, fullName: 'Olga Owner' });
      const mailing = await createMailingRow(db(), owner, { clients: [await createClient(db(), owner)], name: `Busy ${view.name}` });
      const visit = await Visit.start(view, 'manager');
      await visit.login('manager@example.test');
      await visit.check('dashboard', [t.components.Dashboard.useTheMenu, t.components.Dashboard.allMailings, t.components.Dashboard.yourMailings]);
      await visit.go('/admin/resources/mailings', 'mailings', `Busy ${view.name}`);
      await visit.go(`/admin/resources/mailings/records/${mailing.id}/show`, 'mailing', 'Olga Owner');
      await visit.go(`/admin/resources/mailings/records/${mailing.id}/disable`, 'disable-confirm', t.resources.mailings.messages.disableConfirm);
      await visit.page.click('[data-testid="confirm-disable"]');
      await eventually(async () => (await Mailing.findByPk(mailing.id))?.disabledAt, 'the mailing to be disabled');
      await visit.page.waitForURL(`${app.url}/admin/resources/mailings/records/${mailing.id}/show`);
      await visit.check('disabled', t.resources.mailings.labels.state['paused-by-manager']);

      await visit.go('/admin/resources/users', 'users', `owner-${view.name}@example.test`);
      await visit.go(`/admin/resources/users/records/${owner.id}/block`, 'block-confirm', t.resources.users.messages.blockConfirm);
      await visit.page.click('[data-testid="confirm-block"]');
      await eventually(async () => (await User.findByPk(owner.id))?.blockedAt, 'the user to be blocked');
      await visit.page.waitForURL(`${app.url}/admin/resources/users/records/${owner.id}/show`);
      await visit.check('blocked', `owner-${view.name}@example.test`);
      await visit.finish(9);
      await visit.page.context().close();
    }
  });

  it('when a content manager writes a post and publishes it, then it is published with its text, on every view', async () => {
    const { BlogPost } = db().models;
    await createUser(db(), { email: 'content@example.test', fullName: 'Clara Content', permissions: ['blog.manage'] });
    for (const view of VIEWS) {
      const t = view.t;
      const title = `Spring notes ${view.name}`;
      const visit = await Visit.start(view, 'content');
      await visit.login('content@example.test');
      await visit.check('dashboard', [t.components.Dashboard.useTheMenu, t.components.Dashboard.allMailings, t.components.Dashboard.yourMailings]);
      await visit.go('/admin/resources/blog_posts/actions/new', 'post-form', t.properties.publishedAt);
      await visit.page.fill('[name="title"]', title);
      await visit.page.locator('.ProseMirror').first().click();
      await visit.page.keyboard.type('Our spring newsletter is out.');
      const published = new Date(Date.now() - 3600_000);
      published.setSeconds(0, 0);
      await visit.page.fill('input[name="publishedAt"]', published.toISOString().slice(0, 16));
      await visit.save();
      const post = await eventually(() => BlogPost.findOne({ where: { title } }), 'the post');
      expect(post.content).to.contain('Our spring newsletter is out.');
      expect(post.publishedAt?.getTime()).to.equal(published.getTime());
      await visit.go(`/admin/resources/blog_posts/records/${post.id}/show`, 'post', title);
      await visit.go('/admin/resources/blog_posts', 'posts', title);
      await visit.finish(5);
      await visit.page.context().close();
    }
  });

  it("when an administrator gives a user a group on the user's form, then the user is in the group, on every view", async () => {
    const { UserGroup, Group } = db().models;
    await createUser(db(), { email: 'admin@example.test', fullName: 'Ada Admin', superuser: true });
    const group = await Group.create({ name: 'Newsletter editors', permissions: ['blog.manage'] });
    for (const view of VIEWS) {
      const t = view.t;
      const member = await createUser(db(), { email: `member-${view.name}@example.test`, fullName: 'Mila Member' });
      const visit = await Visit.start(view, 'admin');
      await visit.login('admin@example.test');
      await visit.check('dashboard', [t.components.Dashboard.useTheMenu, t.components.Dashboard.allMailings, t.components.Dashboard.yourMailings]);
      await visit.go('/admin/resources/groups', 'groups', 'Newsletter editors');
      await visit.go('/admin/resources/users', 'users', `member-${view.name}@example.test`);
      await visit.go(`/admin/resources/users/records/${member.id}/edit`, 'user-form', t.properties.groupIds);
      // the groups field: a list of group pickers, its first button adds one
      const field = visit.page.locator('[data-testid="property-edit-groupIds"]');
      await field.getByRole('button').first().click();
      await visit.pick(field.locator('input').last(), 'Newsletter editors');
      await visit.save();
      await eventually(() => UserGroup.findOne({ where: { userId: member.id, groupId: group.id } }), 'the membership');
      await visit.go('/admin/resources/groups', 'groups', 'Newsletter editors');
      await visit.finish(6);
      await visit.page.context().close();
    }
  });
});
