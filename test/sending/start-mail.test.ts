// startMail: the SMTP transport from SMTP_URL, or the local catcher (never in production).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { silentLogger } from '../../src/log.js';
import { startMail } from '../../src/mail/index.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../helpers/database.js';
import { sharedSmtpTestServer } from '../helpers/smtp-test-server.js';

describe('starting the mail', () => {
  const base = { mailFrom: 'Mailing Service <no-reply@mailing.test>', isProduction: false };
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-start-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when SMTP_URL is set, then mail goes to that server and no catcher runs', async () => {
    const smtp = await sharedSmtpTestServer();
    const mail = await startMail({ ...base, smtpUrl: smtp.url, mailCatcherPort: 0, dataDir }, silentLogger);
    try {
      expect(mail.catcher).to.equal(undefined);
      await mail.transport.send({ to: 'someone@example.test', subject: 'Hi', text: 'Hello' });
      expect(smtp.messagesTo('someone@example.test')).to.have.length(1);
    } finally {
      await mail.close();
      smtp.reset();
    }
  });

  it('when SMTP_TIMEOUTS sets a greeting timeout, then the transport gives up on a server that greets later than that', async () => {
    const smtp = await sharedSmtpTestServer();
    smtp.delayGreeting(1500);
    const smtpTimeouts = loadConfig({ SMTP_TIMEOUTS: 'greeting=300ms' }).smtpTimeouts;
    const mail = await startMail({ ...base, smtpUrl: smtp.url, mailCatcherPort: 0, dataDir, smtpTimeouts }, silentLogger);
    try {
      const failure = await mail.transport.send({ to: 'late@example.test', subject: 'Hi', text: 'Hello' }).then(
        () => expect.fail('expected the greeting timeout'),
        (error: unknown) => error as Error,
      );
      expect(failure.message).to.contain('greeting');
    } finally {
      await mail.close();
      smtp.reset();
    }
  });

  it('when SMTP_URL is unset, then the local catcher starts and keeps what is sent under DATA_DIR', async () => {
    const mail = await startMail({ ...base, smtpUrl: undefined, mailCatcherPort: await freePort(), dataDir }, silentLogger);
    try {
      expect(mail.catcher).to.not.equal(undefined);
      await mail.transport.send({ to: 'newcomer@example.test', subject: 'Verify your e-mail', text: 'Open http://localhost/verify' });
      const [caught] = await mail.catcher!.list();
      expect(caught).to.include({ subject: 'Verify your e-mail' });
      expect(fs.readdirSync(path.join(dataDir, 'mailbox')).some((name) => name.endsWith('.eml'))).to.equal(true);
    } finally {
      await mail.close();
    }
  });

  it('when in production without SMTP_URL, then it refuses to start a catcher', async () => {
    let error: unknown;
    try {
      await startMail({ ...base, isProduction: true, smtpUrl: undefined, mailCatcherPort: 0, dataDir }, silentLogger);
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.contain('never runs in production');
  });
});
