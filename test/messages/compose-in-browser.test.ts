// In headless Chromium: a user writes an HTML message with a variable in the rich-text editor, previews it for one
// of their clients, sends a test to themselves, and finds it in the dev mailbox.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createMailCatcher, type MailCatcher } from '../../src/mail/mail-catcher.js';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createClient, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { chromiumAvailable, launchBrowser, offlineExceptFor, screenshot } from '../helpers/browser.js';
import { until } from '../helpers/run-checks.js';

describe('composing a message in a browser', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  let app: TestApp;
  let catcher: MailCatcher;
  let browser: Browser;
  let dir: string;

  before(async function () {
    if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-mailbox-'));
    catcher = createMailCatcher({ port: 0, dir, logger: () => undefined });
    await catcher.start();
    app = await startTestApp({ db: db(), catcher });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    await catcher?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function login(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    await offlineExceptFor(context, app.url);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${app.url}/admin/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.click('button:has-text("Login")');
    await page.waitForURL(`${app.url}/admin`);
    return page;
  }

  it('when a user writes an HTML message with {{ name }}, previews it for a client and sends a test, then the preview and the dev mailbox show it personalised', async () => {
    const user = await createUser(db(), { email: 'composer@example.test', fullName: 'Cora Composer' });
    await createClient(db(), user, { fullName: 'Анна Петрова', email: 'anna@example.test' });
    const page = await login(user.email);

    await page.goto(`${app.url}/admin/resources/messages/actions/new`);
    await page.fill('[name="subject"]', 'Привет, {{ name }}');
    const editor = page.locator('[contenteditable="true"]').first();
    await editor.click();
    await editor.pressSequentially('Hello {{ name | default: "friend" }}, welcome!');
    await screenshot(page, 'compose-1-editor');
    await page.click('button[type="submit"]');
    const { Message } = db().models;
    let message: InstanceType<typeof Message> | null = null;
    await until(async () => Boolean((message = await Message.findOne({ where: { ownerId: user.id } }))), 8000, 'the message to be saved');
    // the editor's smart quotes may turn "friend" into “friend”: the template reads both
    expect(message!.html).to.match(/<p>Hello \{\{ name \| default: ["“]friend["”] \}\}, welcome!<\/p>/);
    expect(message!.body).to.match(/^Hello \{\{ name \| default: ["“]friend["”] \}\}, welcome!$/);

    await page.goto(`${app.url}/admin/resources/messages/records/${message!.id}/preview`);
    await page.locator('[data-testid="preview-subject"]', { hasText: 'Привет, Alex Sample' }).waitFor();
    const chooser = page.locator('[data-testid="message-preview"] input[role="combobox"]').first();
    await chooser.click();
    await page.locator('[class*="option"]', { hasText: 'Анна Петрова' }).first().click();
    await page.locator('[data-testid="preview-subject"]', { hasText: 'Привет, Анна Петрова' }).waitFor();
    const frame = page.locator('[data-testid="preview-html"]');
    expect(await frame.getAttribute('sandbox')).to.equal('');
    expect(await frame.getAttribute('srcdoc')).to.contain('Hello Анна Петрова, welcome!');
    expect(await page.locator('[data-testid="preview-text"]').textContent()).to.equal('Hello Анна Петрова, welcome!');
    await screenshot(page, 'compose-2-preview');

    await page.click('[data-testid="send-test"]');
    await page.getByText('A test was sent to composer@example.test.').waitFor();
    await page.goto(`${app.url}/dev/mailbox/`);
    await page.getByText('[TEST] Привет, Анна Петрова').click();
    await page.getByText('composer@example.test').first().waitFor();
    await page.getByText('Hello Анна Петрова, welcome!').first().waitFor();
    await screenshot(page, 'compose-3-dev-mailbox');
  });
});
