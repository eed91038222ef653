// /healthz's checks: the database, the job store and the mail server, each reported on its own — in full only to
// this machine; anyone else learns up or down.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { SmtpTestServer, sharedSmtpTestServer } from '../helpers/smtp-test-server.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { getFrom, nonLoopbackAddress } from '../helpers/local-addresses.js';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import { createHealthCheck, type HealthReport } from '../../src/boot/health.js';
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

describe('GET /healthz', function () {
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let app: TestApp;
  const other = nonLoopbackAddress();

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(async () => {
    app = await startTestApp({ db: db(), smtp, alsoListenOn: other });
  });
  afterEach(async () => {
    await app.stop();
    await smtp.acceptConnections();
    smtp.reset();
  });

  function port(): string {
    return new URL(app.url).port;
  }

  it('when asked from another machine, then it says only "up", with no server, address or error', async function () {
    if (!other) this.skip(); // no network interface: no way to connect from a non-loopback address here

    const response = await getFrom(`http://${other}:${port()}/healthz`, { localAddress: other });

    expect(response.status).to.equal(200);
    expect(JSON.parse(response.text)).to.deep.equal({ status: 'up' });
    expect(response.text).to.not.contain(String(smtp.port)).and.not.contain('127.0.0.1');
    expect(response.headers['cache-control']).to.equal('no-store');
  });

  it('when asked through a proxy on this machine for a client elsewhere (X-Forwarded-For), then it says only "up"', async function () {
    const response = await getFrom(`${app.url}/healthz`, { headers: { 'X-Forwarded-For': '203.0.113.7' } });

    expect(JSON.parse(response.text)).to.deep.equal({ status: 'up' });
  });

  it('when the mail server is down and asked from elsewhere, then it still says only "up" (pages work, mails wait), not why', async function () {
    await smtp.refuseConnections();

    const response = await getFrom(`${app.url}/healthz`, { headers: { 'X-Forwarded-For': '203.0.113.7' } });

    expect(response.status).to.equal(200);
    expect(JSON.parse(response.text)).to.deep.equal({ status: 'up' });
  });

  it('when asked from this machine, then the full report names each part', async function () {
    const response = await getFrom(`${app.url}/healthz`);

    const report = JSON.parse(response.text) as HealthReport;
    expect(report.status).to.equal('ok');
    expect(report.database.status).to.equal('ok');
    expect(report.mail.detail).to.be.a('string').and.not.equal('');
  });
});
