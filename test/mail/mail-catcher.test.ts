// The local mail catcher: a real SMTP server that files mails on disk and reads them back.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import nodemailer from 'nodemailer';
import { createMailCatcher } from '../../src/mail/mail-catcher.js';
import type { MailCatcher } from '../../src/mail/mail-catcher.js';

async function sendTo(catcher: MailCatcher, mail: { to: string; subject: string; text: string; html?: string }): Promise<void> {
  const transporter = nodemailer.createTransport({ host: '127.0.0.1', port: catcher.port, secure: false, connectionTimeout: 1000, greetingTimeout: 1000, socketTimeout: 1000 });
  try {
    await transporter.sendMail({ from: 'Mailing Service <no-reply@mailing.test>', ...mail });
  } finally {
    transporter.close();
  }
}

describe('the local mail catcher', function () {
  let dir: string;
  let catcher: MailCatcher;

  beforeEach(async function () {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mail-catcher-'));
    catcher = createMailCatcher({ port: 0, dir: path.join(dir, 'mailbox'), logger: () => undefined });
    await catcher.start();
  });

  afterEach(async function () {
    await catcher.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('when a mail is sent to it, then it lands as an .eml file in its folder', async function () {
    await sendTo(catcher, { to: 'ada@example.test', subject: 'Filed', text: 'Body' });

    const files = await fs.readdir(path.join(dir, 'mailbox'));
    expect(files).to.have.length(1);
    expect(files[0]).to.match(/^\d{13}-[0-9a-f]{8}\.eml$/);
    const raw = await fs.readFile(path.join(dir, 'mailbox', files[0]!), 'utf8');
    expect(raw).to.contain('Subject: Filed').and.contain('Delivered-To: ada@example.test');
  });

  it('when mails arrive, then they are listed newest first with sender, recipient, subject and date', async function () {
    const before = Date.now() - 1000;
    await sendTo(catcher, { to: 'first@example.test', subject: 'First', text: 'one' });
    await sendTo(catcher, { to: 'second@example.test', subject: 'Second', text: 'two' });

    const mails = await catcher.list();

    expect(mails.map((mail) => mail.subject)).to.deep.equal(['Second', 'First']);
    expect(mails[0]!.to).to.equal('second@example.test');
    expect(mails[0]!.from).to.contain('no-reply@mailing.test');
    expect(mails[0]!.date.getTime()).to.be.above(before);
  });

  it('when a listed mail is read, then its bodies come back', async function () {
    await sendTo(catcher, { to: 'ada@example.test', subject: 'Both', text: 'Plain part', html: '<p>HTML part</p>' });
    const [summary] = await catcher.list();

    const mail = await catcher.read(summary!.id);

    expect(mail?.subject).to.equal('Both');
    expect(mail?.text.trim()).to.equal('Plain part');
    expect(mail?.html).to.contain('<p>HTML part</p>');
  });

  it('when the catcher restarts, then the mails it caught are still there', async function () {
    await sendTo(catcher, { to: 'ada@example.test', subject: 'Kept', text: 'still here' });
    await catcher.stop();

    catcher = createMailCatcher({ port: 0, dir: path.join(dir, 'mailbox'), logger: () => undefined });
    await catcher.start();
    const mails = await catcher.list();

    expect(mails.map((mail) => mail.subject)).to.deep.equal(['Kept']);
  });

  it('when an id tries to leave the folder or is malformed, then nothing is read', async function () {
    const secret = path.join(dir, 'secret.eml');
    await fs.writeFile(secret, 'Subject: secret\r\n\r\nnot for you');

    for (const id of ['../secret', '..%2Fsecret', '/etc/passwd', '1234567890123-abcdef0', '1234567890123-abcdef01/../../secret', '']) {
      expect(await catcher.read(id), id).to.equal(undefined);
    }
  });

  it('when an id is well-formed but unknown, then read gives undefined', async function () {
    expect(await catcher.read('1234567890123-abcdef01')).to.equal(undefined);
  });

  it('when a foreign file sits in the folder, then it is not listed', async function () {
    await fs.writeFile(path.join(dir, 'mailbox', 'notes.eml'), 'Subject: stray\r\n\r\nx');

    expect(await catcher.list()).to.deep.equal([]);
  });

  it('when its port is taken, then start fails with a message naming the port', async function () {
    const second = createMailCatcher({ port: catcher.port, dir: path.join(dir, 'other'), logger: () => undefined });

    let failure: unknown;
    await second.start().catch((error: unknown) => (failure = error));

    expect(String(failure)).to.contain(`127.0.0.1:${catcher.port}`).and.contain('in use');
  });
});
