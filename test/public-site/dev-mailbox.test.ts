// The dev mailbox pages over a real mail catcher, served by a tiny Express app on an ephemeral port.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import nodemailer from 'nodemailer';
import { createMailCatcher } from '../../src/mail/mail-catcher.js';
import type { MailCatcher } from '../../src/mail/mail-catcher.js';
import { createDevMailboxRouter } from '../../public-site/dev-mailbox.js';

describe('the dev mailbox pages', function () {
  let dir: string;
  let catcher: MailCatcher;
  let http: Server;
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
    const app = express();
    app.use('/dev/mailbox', createDevMailboxRouter(catcher));
    await new Promise<void>((resolve) => {
      http = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/dev/mailbox`;
  });

  afterEach(async function () {
    await new Promise<void>((resolve) => http.close(() => resolve()));
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
