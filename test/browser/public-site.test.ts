// In headless Chromium: the home page with its figures and posts, and a visitor who signs up, confirms and logs in.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../src/boot/app.js';
import { openServices, type Services } from '../../src/boot/services.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { createMailCatcher, type MailCatcher } from '../../src/mail/mail-catcher.js';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import { freePort, useTestDatabase } from '../helpers/database.js';
import { createClient, createMailingRow, createUser } from '../helpers/factories.js';
import { chromiumAvailable, launchBrowser, screenshot } from '../helpers/browser.js';

const PASSWORD = 'violet-kettle-93';

describe('the public site in a browser', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  let browser: Browser;
  let page: Page;
  let catcher: MailCatcher;
  let services: Services;
  let server: http.Server;
  let base: string;
  let dataDir: string;
  const pageErrors: string[] = [];

  before(async function () {
    if (!chromiumAvailable()) throw new Error('/usr/bin/chromium is missing: run `apt-get update && apt-get install -y chromium`');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    // the development set-up: no SMTP server, mails land in the local catcher, read at /dev/mailbox
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'browser-site-'));
    catcher = createMailCatcher({ port: 0, dir: path.join(dataDir, 'mailbox'), logger: () => undefined });
    await catcher.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = loadConfig({ NODE_ENV: 'test', APP_URL: base, SMTP_URL: catcher.url, DATA_DIR: dataDir, SESSION_SECRET: 'browser-test-secret-0123456789' });
    const transport = createSmtpTransport({ url: catcher.url, from: config.mailFrom, logger: () => undefined });
    const mail = { transport, catcher, close: () => transport.close() };
    services = await openServices(config, { db: db(), mail, log: silentLogger, accounts: { passwordCost: 4 } });
    const app = await createApp(services);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    pageErrors.length = 0;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  afterEach(async () => {
    await page?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.close();
    await catcher.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when a visitor opens the home page, then it shows the figures and three posts, styled, with no browser error', async function () {
    const owner = await createUser(db());
    const client = await createClient(db(), owner);
    await createMailingRow(db(), owner, { status: 'running', clients: [client] });
    await createMailingRow(db(), owner);
    for (const [i, image] of ['welcome', 'tips', 'calendar', 'reports'].entries()) {
      await db().models.BlogPost.create({ title: `Post ${i + 1}`, content: `Text of post ${i + 1}.`, image: `/static/blog/${image}.svg`, publishedAt: new Date(Date.now() - (i + 1) * 3600_000) });
    }

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/`);

    expect(await page.textContent('[data-stat="total-mailings"]')).to.equal('2');
    expect(await page.textContent('[data-stat="active-mailings"]')).to.equal('1');
    expect(await page.textContent('[data-stat="unique-clients"]')).to.equal('1');
    expect(await page.locator('[data-post-id]').count()).to.equal(3);
    // every image loaded (same-site paths, allowed by the policy)
    const broken = await page.$$eval('img', (images) => images.filter((img) => !(img as HTMLImageElement).complete || (img as HTMLImageElement).naturalWidth === 0).length);
    expect(broken).to.equal(0);
    // Bootstrap's stylesheet from the package is applied: the navbar has its primary colour
    const navColour = await page.$eval('nav.navbar', (nav) => getComputedStyle(nav).backgroundColor);
    expect(navColour).to.not.equal('rgba(0, 0, 0, 0)');
    expect(pageErrors, 'console errors (e.g. CSP violations)').to.deep.equal([]);
    await screenshot(page, 'public-site-home');

    // small screens: the menu collapses behind the toggler, which Bootstrap's script opens
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await page.isVisible('a.nav-link[href="/blog"]')).to.equal(false);
    await page.click('button.navbar-toggler');
    await page.waitForSelector('a.nav-link[href="/blog"]', { state: 'visible' });
    await screenshot(page, 'public-site-home-mobile');
  });

  it('when a visitor signs up, then only after confirming through the mailed link can they log in to the back office', async function () {
    await page.goto(`${base}/`);
    await page.click('nav >> text=Sign up');
    await page.fill('#email', 'visitor@example.test');
    await page.fill('#fullName', 'Vera Visitor');
    await page.fill('#password', PASSWORD);
    await page.fill('#passwordConfirmation', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('text=Check your inbox');

    // not verified yet: the back office refuses the login
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name="email"]', 'visitor@example.test');
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"], button:has-text("Log in"), button:has-text("Login")')]);
    expect(new URL(page.url()).pathname).to.equal('/admin/login');

    // the confirmation mail, in the dev mailbox
    await page.goto(`${base}/dev/mailbox`);
    await page.click('text=Confirm your e-mail address for Mailing Service');
    const link = await page.getAttribute('a[href*="/verify?token="]', 'href');
    expect(link).to.match(new RegExp(`^${base}/verify\\?token=`));
    await page.goto(link!);
    expect(await db().models.User.count({ where: { verifiedAt: null } }), 'opening the link confirms nothing').to.equal(1);
    await screenshot(page, 'public-site-verify');
    await page.click('text=Confirm my address');
    await page.waitForSelector('text=Address confirmed');

    await page.click('main a.btn:has-text("Log in")');
    await page.fill('input[name="email"]', 'visitor@example.test');
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/admin/login'), page.click('button[type="submit"], button:has-text("Log in"), button:has-text("Login")')]);
    expect(new URL(page.url()).pathname).to.match(/^\/admin/);
    const user = await db().models.User.findOne({ where: { email: 'visitor@example.test' } });
    expect(user!.verifiedAt).to.be.instanceOf(Date);
    expect(user!.lastLoginAt, 'the back office recorded the login').to.be.instanceOf(Date);
    await screenshot(page, 'public-site-logged-in');
  });
});
