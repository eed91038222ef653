// DKIM: mails signed with the configured key verify with a real verifier (mailauth, its DNS answered from the key,
// no network); unsigned without a key; the unknown-outcome detection still right with the signing stage; the
// settings checked at start; `cli.js dkim-record` prints the record that makes the signature verify.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { dkimDnsRecord, type DkimSettings } from '../../src/mail/dkim.js';
import { MailSendError } from '../../src/mail/mail-errors.js';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import type { MailTransport, OutgoingMail } from '../../src/mail/transport.js';
import { projectRoot } from '../../src/paths.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';

const TIMEOUTS = { connectionMs: 500, greetingMs: 300, socketMs: 400, sendMs: 3000 };
const { privateKey: PEM } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const DKIM: DkimSettings = { domainName: 'mailing.test', keySelector: 'mail2026', privateKey: PEM };

/** The verifier's DNS: the record `dkim-record` prints, and nothing else. */
function resolverFor(settings: DkimSettings) {
  const record = dkimDnsRecord(settings);
  return async (name: string, type: string): Promise<string[][]> => {
    if (type === 'TXT' && name.toLowerCase() === record.name.toLowerCase()) return [[record.value]];
    throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
  };
}

const MAIL: OutgoingMail = {
  from: 'Анна Петрова <news@mailing.test>',
  to: 'reader@example.test',
  subject: 'Новости для вас',
  text: 'Привет',
  html: '<p>Привет</p>',
  headers: { 'List-Unsubscribe': '<https://mailing.test/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
};

async function failureOf(promise: Promise<unknown>): Promise<MailSendError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(MailSendError);
    return error as MailSendError;
  }
  return expect.fail('expected the send to fail');
}

describe('DKIM signing', function () {
  let server: SmtpTestServer;
  let transport: MailTransport | undefined;
  const open = (dkim?: DkimSettings) => (transport = createSmtpTransport({ url: server.url, from: 'no-reply@mailing.test', timeouts: TIMEOUTS, dkim }));

  before(async () => {
    server = await sharedSmtpTestServer();
  });
  afterEach(async () => {
    await transport?.close();
    server.reset();
  });

  it('when a key is configured, then every mail is signed over From, Subject and the unsubscribe headers and verifies against the published key', async () => {
    open(DKIM);
    await transport!.send(MAIL);
    await transport!.send({ ...MAIL, to: 'second@example.test', subject: 'Second' });
    expect(server.messages).to.have.length(2);
    for (const mail of server.messages) {
      const result = await dkimVerify(Buffer.from(mail.raw), { resolver: resolverFor(DKIM) as never });
      expect(result.results, mail.raw.slice(0, 400)).to.have.length(1);
      const [signature] = result.results as unknown as Array<{ status: { result: string }; signingDomain: string; selector: string; signingHeaders: { keys: string } }>;
      expect(signature!.status.result).to.equal('pass');
      expect(signature).to.include({ signingDomain: 'mailing.test', selector: 'mail2026' });
      const signed = signature!.signingHeaders.keys.toLowerCase().split(': ');
      expect(signed).to.include.members(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']);
    }
  });

  it('when the signed mail is changed on the way, then the verifier fails it (the check is real)', async () => {
    open(DKIM);
    await transport!.send(MAIL);
    const tampered = server.messages[0]!.raw.replace(/^Subject: .*$/m, 'Subject: =?UTF-8?Q?Changed?=');
    const result = await dkimVerify(Buffer.from(tampered), { resolver: resolverFor(DKIM) as never });
    expect((result.results as Array<{ status: { result: string } }>)[0]!.status.result).to.equal('fail');
  });

  it('when no key is configured, then mails go out without a DKIM-Signature', async () => {
    open(undefined);
    await transport!.send(MAIL);
    expect(server.messages[0]!.raw).not.to.match(/^DKIM-Signature:/im);
  });

  it('when signing and the server stops answering after the body, then the outcome is unknown; before the body, it is not', async () => {
    open(DKIM);
    server.stallAt('data', { times: 1 });
    const afterBody = await failureOf(transport!.send({ ...MAIL, to: 'stall-data@example.test' }));
    expect(afterBody.unknownOutcome).to.equal(true);
    await transport!.close();
    server.reset();
    open(DKIM);
    server.stallAt('rcpt', { times: 1 });
    const beforeBody = await failureOf(transport!.send({ ...MAIL, to: 'stall-rcpt@example.test' }));
    expect(beforeBody.code).to.equal('ETIMEDOUT');
    expect(beforeBody.unknownOutcome).to.equal(false);
  });

  it('when signing and the server answers the end of DATA with garbage, then the outcome is unknown and the server has the mail once', async () => {
    open(DKIM);
    server.garbageAt('data', { text: 'WHAT IS THIS' });
    const error = await failureOf(transport!.send({ ...MAIL, to: 'garbage-data@example.test' }));
    expect(error.unknownOutcome).to.equal(true);
    expect(server.messagesTo('garbage-data@example.test')).to.have.length(1);
  });
});

describe('DKIM settings', function () {
  function refusal(env: Record<string, string>): ConfigError {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return error as ConfigError;
    }
    return expect.fail('expected the settings to be refused');
  }

  it('when the key is not a private key, then the start stops with a message naming DKIM_PRIVATE_KEY', () => {
    const error = refusal({ DKIM_DOMAIN: 'mailing.test', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nnot a key\\n-----END PRIVATE KEY-----' });
    expect(error.variable).to.equal('DKIM_PRIVATE_KEY');
    expect(error.message).to.match(/^Configuration error: DKIM_PRIVATE_KEY is not a readable private key/);
  });

  it('when the key file cannot be read, or only some DKIM settings are set, then the message names the variable', () => {
    expect(refusal({ DKIM_DOMAIN: 'mailing.test', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: '/nonexistent/dkim.pem' }).message).to.contain('DKIM_PRIVATE_KEY must be a PEM private key or the path of a file');
    expect(refusal({ DKIM_DOMAIN: 'mailing.test', DKIM_PRIVATE_KEY: PEM }).variable).to.equal('DKIM_SELECTOR');
  });

  it('when the key is given as a file path or as one-line PEM with \\n, then it is read; with nothing set, DKIM is off', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dkim-')), 'key.pem');
    fs.writeFileSync(file, PEM);
    expect(loadConfig({ DKIM_DOMAIN: 'Mailing.test', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: file }).dkim).to.deep.equal({ domainName: 'mailing.test', keySelector: 's1', privateKey: PEM });
    expect(loadConfig({ DKIM_DOMAIN: 'mailing.test', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: PEM.replace(/\n/g, '\\n') }).dkim!.privateKey).to.equal(PEM);
    expect(loadConfig({}).dkim).to.equal(undefined);
  });

  it('when `node dist/cli.js dkim-record` runs, then it prints the record name and the public key of DKIM_PRIVATE_KEY', async function () {
    const cli = path.join(projectRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) expect.fail('run `npm run build` (npm test does) before this test');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dkim-')), 'key.pem');
    fs.writeFileSync(file, PEM);
    const env = { PATH: process.env.PATH, NODE_ENV: 'test', DKIM_DOMAIN: 'mailing.test', DKIM_SELECTOR: 'mail2026', DKIM_PRIVATE_KEY: file };
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'dkim-record'], { env, cwd: os.tmpdir() });
    const publicDer = crypto.createPublicKey(PEM).export({ type: 'spki', format: 'der' }).toString('base64');
    expect(stdout).to.contain('name:  mail2026._domainkey.mailing.test');
    expect(stdout).to.contain(`value: v=DKIM1; k=rsa; p=${publicDer}`);
    const unset = await promisify(execFile)(process.execPath, [cli, 'dkim-record'], { env: { PATH: process.env.PATH, NODE_ENV: 'test' }, cwd: os.tmpdir() }).catch((error: { code: number; stderr: string }) => error);
    expect(unset).to.include({ code: 1 });
    expect((unset as { stderr: string }).stderr).to.contain('DKIM is not configured');
  });
});
