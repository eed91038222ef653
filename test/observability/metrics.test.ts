// /metrics as Prometheus scrapes it: strict text format, behind METRICS_TOKEN, counting what this process's
// engine sent through the real SMTP test server, HTTP durations by route pattern.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { mailingTo, testEngine, testTransport } from '../helpers/mailing-fixtures.js';
import { buildWorld } from '../admin/world.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { openAttempt, runMailing } from '../../src/sending/run-mailing.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { parsePrometheusText, sampleValue, type Sample } from './prometheus-text.js';
import { testMailingServices } from '../helpers/mailing-services.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('the /metrics endpoint', function () {
  this.timeout(30_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let transport: MailTransport;
  let metrics: Metrics;
  let app: TestApp;

  before(async () => {
    smtp = await sharedSmtpTestServer();
    transport = testTransport(smtp.url);
    metrics = createMetrics();
    app = await startTestApp({ db: db(), smtp, env: { METRICS_TOKEN: TOKEN }, app: { metrics } });
  });
  after(async () => {
    await app?.stop();
    await transport.close();
  });
  afterEach(() => smtp.reset());

  async function scrape(): Promise<Sample[]> {
    const response = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text());
  }

  it('when asked without the token or with a wrong one, then it answers 401 and gives no figure', async () => {
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-0123456789abcdef' },
      { authorization: `Basic ${TOKEN}` },
      { authorization: `Bearer ${TOKEN}x` },
    ];
    for (const headers of refused) {
      const response = await fetch(`${app.url}/metrics`, { headers });
      const body = await response.text();
      expect(response.status, JSON.stringify(headers)).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer realm="metrics"');
      expect(body).to.not.contain('mailing_');
      expect(body).to.contain('Authorization: Bearer <METRICS_TOKEN>');
    }
  });

  it('when METRICS_TOKEN is unset, then /metrics answers 404', async () => {
    const closed = await startTestApp({ db: db(), app: { metrics: createMetrics() } });
    try {
      const response = await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).to.equal(404);
      expect(await response.text()).to.not.contain('mailing_');
    } finally {
      await closed.stop();
    }
  });

  it('when a run sent mails through the SMTP server, then /metrics parses as Prometheus text and counts them by response class, with the run duration', async () => {
    const { mailing, emails } = await mailingTo(db(), 4, { startAt: new Date(Date.now() - 3_600_000) });
    smtp.refuseRecipient(emails[2]!, 550, '5.1.1 Unknown mailbox');
    const outcome = await runMailing(testEngine(db(), transport, { metrics }), mailing.id, { scheduledFor: new Date(), trigger: 'cli' });
    expect(outcome).to.include({ kind: 'done', sent: 3, failed: 1 });

    const samples = await scrape();

    expect(sampleValue(samples, 'mailing_mails_total', { status: 'sent', response_class: '2xx' })).to.equal(3);
    expect(sampleValue(samples, 'mailing_mails_total', { status: 'failed', response_class: '5xx' })).to.equal(1);
    expect(sampleValue(samples, 'mailing_mails_total', { status: 'failed', response_class: '4xx' })).to.equal(undefined);
    expect(sampleValue(samples, 'mailing_run_duration_seconds_count', { outcome: 'failure' })).to.equal(1);
    expect(sampleValue(samples, 'mailing_run_duration_seconds_bucket', { outcome: 'failure', le: '+Inf' })).to.equal(1);
  });

  it('when a scheduled run starts after its due time, then the scheduler lag histogram records how late (from the database clock)', async () => {
    // a daily mailing whose first run was due 90 s ago: the scheduler makes it now
    const { mailing } = await mailingTo(db(), 2, { startAt: new Date(Date.now() - 90_000) });
    const services = testMailingServices(db(), transport, { engine: { metrics } });
    try {
      const result = await services.planner.runDue(mailing.id, 'schedule');
      expect(result.outcome.kind).to.equal('done');
    } finally {
      await services.close();
    }

    const samples = await scrape();
    expect(sampleValue(samples, 'mailing_scheduler_lag_seconds_count')).to.equal(1);
    expect(sampleValue(samples, 'mailing_scheduler_lag_seconds_sum')).to.be.within(90, 150);
    expect(sampleValue(samples, 'mailing_scheduler_lag_seconds_bucket', { le: '60' })).to.equal(0);
    expect(sampleValue(samples, 'mailing_scheduler_lag_seconds_bucket', { le: '300' })).to.equal(1);
  });

  it('when a run is unfinished with deliveries not sent yet, then the recipients-waiting gauge counts them at the scrape', async () => {
    const { mailing } = await mailingTo(db(), 5);
    const opened = await openAttempt(db().sequelize, mailing.id, { scheduledFor: new Date(), trigger: 'schedule' });
    await db().sequelize.query(
      `INSERT INTO deliveries (attempt_id, client_id, email, status)
       SELECT $1, c.id, c.email, CASE WHEN row_number() OVER (ORDER BY c.id) = 1 THEN 'sent' ELSE 'pending' END
       FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id WHERE mc.mailing_id = $2`,
      { bind: [opened.id, mailing.id] },
    );

    expect(sampleValue(await scrape(), 'mailing_recipients_waiting')).to.equal(4);
  });

  it('when pages with ids in their address are requested, then HTTP durations are labelled by the route pattern, not by the ids', async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app.url, 'user@example.test');
    await user.get(`/admin/api/resources/attempts/records/${world.owned.user.attempt}/show`);
    await user.get(`/admin/api/resources/mailings/records/${world.owned.user.mailing}/show`);
    for (const id of [123456, 654321]) await fetch(`${app.url}/blog/${id}`);
    await fetch(`${app.url}/no/such/page/777777`);

    const samples = (await scrape()).filter((s) => s.name === 'http_request_duration_seconds_count');
    const routes = new Set(samples.map((s) => s.labels.route));

    expect(sampleValue(samples, 'http_request_duration_seconds_count', { route: '/blog/:id', method: 'GET', status_class: '4xx' })).to.equal(2);
    expect(sampleValue(samples, 'http_request_duration_seconds_count', { route: '/admin/api/resources/:resourceId/records/:recordId/:action', status_class: '2xx' })).to.equal(2);
    expect(routes).to.include('unmatched');
    for (const route of routes) expect(route, 'no id in a route label').to.not.match(/\d{3,}/);
  });
});
