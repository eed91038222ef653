// The dev mailbox pages of the real app (createApp) over a real mail catcher, on an ephemeral port; only clients on
// this machine get them.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import nodemailer from 'nodemailer';
import { createMailCatcher } from '../../src/mail/mail-catcher.js';
import type { MailCatcher } from '../../src/mail/mail-catcher.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/database.js';
import { getFrom, nonLoopbackAddress } from '../helpers/local-addresses.js';

describe('the dev mailbox pages', function () {
  const db = useTestDatabase();
  let dir: string;
  let catcher: MailCatcher;
  let app: TestApp;
  let base: string;

  async function deliver(mail: { subject: string; text: string; html?: string }): Promise<string> {
    const transporter = nodemailer.createTransport({ host: '127.0.0.1', port: catcher.port, secure: false, socketTimeout: 1000 });
    try {
      await transporter.sendMail({ from: 'no-reply@mailing.test', to: 'ada@example.test', ...mail });
    } finally {
      transporter.close();
    }
    const [newest] = await catcher.list();
    return newest!.id;
  }

  beforeEach(async function () {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dev-mailbox-'));
    catcher = createMailCatcher({ port: 0, dir, logger: () => undefined });
    await catcher.start();
    app = await startTestApp({ db: db(), catcher });
    base = `${app.url}/dev/mailbox`;
  });

  afterEach(async function () {
    await app.stop();
    await catcher.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('when no mail was caught, then the list says "No mail yet"', async function () {
    const response = await fetch(`${base}/`);

    expect(response.status).to.equal(200);
    expect(await response.text()).to.contain('No mail yet');
  });

  it('when mails were caught, then the list links each subject to its page, newest first', async function () {
    const older = await deliver({ subject: 'Older news', text: 'a' });
    const newer = await deliver({ subject: 'Newer news', text: 'b' });

    const page = await (await fetch(`${base}/`)).text();

    expect(page).to.contain(`<a href="/dev/mailbox/${newer}">Newer news</a>`);
    expect(page).to.contain(`<a href="/dev/mailbox/${older}">Older news</a>`);
    expect(page.indexOf('Newer news')).to.be.below(page.indexOf('Older news'));
    expect(page).to.not.contain('No mail yet');
  });

  it('when a mail is opened, then its headers show and its links are clickable', async function () {
    const id = await deliver({ subject: 'Confirm your address', text: 'Open https://example.test/verify?token=a1&next=%2F. Thanks' });

    const response = await fetch(`${base}/${id}`);
    const page = await response.text();

    expect(response.status).to.equal(200);
    expect(page).to.contain('Confirm your address').and.contain('ada@example.test').and.contain('no-reply@mailing.test');
    expect(page).to.contain('<a href="https://example.test/verify?token=a1&amp;next=%2F" rel="noopener noreferrer" target="_blank">');
    expect(page).to.contain('</a>. Thanks');
  });

  it('when a mail carries a script, then it is shown escaped and never runs on the page', async function () {
    const id = await deliver({
      subject: '<script>alert("subject")</script>',
      text: 'Hi <script>alert("text")</script>',
      html: '<p>Hi</p><script>alert("html")</script>',
    });

    const response = await fetch(`${base}/${id}`);
    const page = await response.text();

    expect(page).to.not.match(/<script/i);
    expect(page).to.contain('&lt;script&gt;alert(&quot;text&quot;)&lt;/script&gt;');
    expect(page).to.match(/<iframe sandbox [^>]*srcdoc="&lt;p&gt;Hi&lt;\/p&gt;&lt;script&gt;/);
    expect(response.headers.get('content-security-policy')).to.contain("script-src 'none'");
  });

  it('when the id is unknown or tries to leave the mailbox, then the page is a 404', async function () {
    const unknown = await fetch(`${base}/1234567890123-abcdef01`);
    const traversal = await fetch(`${base}/..%2F..%2Fetc%2Fpasswd`);

    expect(unknown.status).to.equal(404);
    expect(await unknown.text()).to.contain('Mail not found');
    expect(traversal.status).to.equal(404);
  });
});

describe('who may open the dev mailbox', function () {
  const db = useTestDatabase();
  let dir: string;
  let catcher: MailCatcher;
  let app: TestApp;
  let port: number;

  before(async function () {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dev-mailbox-'));
    catcher = createMailCatcher({ port: 0, dir, logger: () => undefined });
    await catcher.start();
    // the real app trusts a proxy on loopback, which may tell the client's address in X-Forwarded-For
    app = await startTestApp({ db: db(), catcher, alsoListenOn: nonLoopbackAddress() });
    port = Number(new URL(app.url).port);
  });

  after(async function () {
    await app?.stop();
    await catcher.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('when a client on another machine (a non-loopback address) opens it, then it is refused with 403 and no mail list', async function () {
    const other = nonLoopbackAddress();
    if (!other) this.skip(); // no network interface: no way to connect from a non-loopback address here

    const response = await getFrom(`http://${other}:${port}/dev/mailbox/`, { localAddress: other });

    expect(response.status).to.equal(403);
    expect(response.text).to.contain('answers only on the machine the service runs on').and.not.contain('No mail yet');
  });

  it('when a client on another machine says X-Forwarded-For: 127.0.0.1, then it is still refused (the connection decides)', async function () {
    const other = nonLoopbackAddress();
    if (!other) this.skip();

    const response = await getFrom(`http://${other}:${port}/dev/mailbox/`, { localAddress: other, headers: { 'X-Forwarded-For': '127.0.0.1', 'X-Real-IP': '127.0.0.1' } });

    expect(response.status).to.equal(403);
  });

  const forwarded: Array<[string, Record<string, string>]> = [
    ['X-Forwarded-For: 203.0.113.7', { 'X-Forwarded-For': '203.0.113.7' }],
    ['X-Forwarded-For: 127.0.0.1, 203.0.113.7 (a spoofed first hop)', { 'X-Forwarded-For': '127.0.0.1, 203.0.113.7' }],
    ['X-Forwarded-For: 203.0.113.7, 127.0.0.1', { 'X-Forwarded-For': '203.0.113.7, 127.0.0.1' }],
    ['Forwarded: for=203.0.113.7', { Forwarded: 'for=203.0.113.7;proto=http' }],
    ['Forwarded: for="[2001:db8::1]:4711"', { Forwarded: 'for="[2001:db8::1]:4711"' }],
    ['Forwarded: for=unknown', { Forwarded: 'for=unknown' }],
    ['X-Real-IP: 203.0.113.7', { 'X-Real-IP': '203.0.113.7' }],
  ];
  for (const [header, headers] of forwarded) {
    it(`when a proxy on loopback forwards a request with ${header}, then it is refused with 403`, async function () {
      const response = await getFrom(`http://127.0.0.1:${port}/dev/mailbox/`, { headers });

      expect(response.status).to.equal(403);
    });
  }

  it('when opened from this machine (127.0.0.1, or 127.0.0.2: all of 127.0.0.0/8 is loopback), then the mailbox answers', async function () {
    const direct = await getFrom(`http://127.0.0.1:${port}/dev/mailbox/`);
    const secondLoopback = await getFrom(`http://127.0.0.1:${port}/dev/mailbox/`, { localAddress: '127.0.0.2' });
    const localProxy = await getFrom(`http://127.0.0.1:${port}/dev/mailbox/`, { headers: { 'X-Forwarded-For': '127.0.0.1', Forwarded: 'for="[::1]:5000"' } });

    for (const response of [direct, secondLoopback, localProxy]) {
      expect(response.status).to.equal(200);
      expect(response.text).to.contain('No mail yet');
    }
  });
});
