// /healthz's checks: the database, the job store and the mail server, each reported on its own.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import { createHealthCheck } from '../../src/health.js';
import type { MailTransport } from '../../src/mail/transport.js';

describe('the health check', function () {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;

  beforeEach(async () => {
    smtp = await SmtpTestServer.start();
    transport = createSmtpTransport({ url: smtp.url, from: 'health@example.test', timeouts: { connectionMs: 300, greetingMs: 300, socketMs: 300, sendMs: 500 }, logger: () => undefined });
  });

  afterEach(async () => {
    await transport.close();
    await smtp.stop();
  });

  it('when everything answers, then the report is ok with each part explained', async function () {
    const check = createHealthCheck({ config: { mongodbUrl: undefined }, db: db(), mail: { transport } }, { cacheMs: 0 });

    const report = await check();

    expect(report.status).to.equal('ok');
    expect(report.database.status).to.equal('ok');
    expect(report.jobStore.status).to.equal('ok');
    expect(report.mail.status).to.equal('ok');
  });

  it('when the mail server is down, then the report is degraded and says why, the database still ok', async function () {
    await smtp.refuseConnections();
    const check = createHealthCheck({ config: { mongodbUrl: undefined }, db: db(), mail: { transport } }, { cacheMs: 0, timeoutMs: 1000 });

    const report = await check();

    expect(report.status).to.equal('degraded');
    expect(report.mail.status).to.equal('error');
    expect(report.mail.detail).to.be.a('string').and.not.equal('');
    expect(report.database.status).to.equal('ok');
  });

  it('when the job store (MongoDB) cannot be reached, then the report is down', async function () {
    const check = createHealthCheck({ config: { mongodbUrl: 'mongodb://127.0.0.1:9/jobs' }, db: db(), mail: { transport } }, { cacheMs: 0, timeoutMs: 300 });

    const report = await check();

    expect(report.status).to.equal('down');
    expect(report.jobStore.status).to.equal('error');
  });

  it('when checked twice within the cache time, then the first report is reused (no new SMTP connection per probe)', async function () {
    const check = createHealthCheck({ config: { mongodbUrl: undefined }, db: db(), mail: { transport } }, { cacheMs: 10_000 });

    const first = await check();
    const second = await check();

    expect(second).to.equal(first);
  });
});
