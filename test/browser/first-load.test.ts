// The first load of /admin as production serves it: the pre-built scripts (npm run build), compressed, cached for a
// year under content-hashed names; the page and the API answers compressed. Measured in headless Chromium.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createClient, createUser } from '../helpers/factories.js';
import { loggedIn } from '../helpers/admin-client.js';
import { chromiumAvailable, launchBrowser } from '../helpers/browser.js';
import { measureFirstLoad } from '../helpers/first-load.js';

const THREE_MB = 3 * 1024 * 1024;

describe('the first load of the back office', function () {
  this.timeout(180_000);
  const db = useTestDatabase();
  let app: TestApp;
  let browser: Browser;

  before(async function () {
    if (!chromiumAvailable()) throw new Error('Chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
    app = await startTestApp({ db: db(), app: { admin: { prebuiltAssets: true } } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('when a logged-in user opens /admin with an empty cache, then at most 3 MB crosses the wire, every script is compressed and cached a year under a hashed name, and the dashboard shows', async () => {
    await createUser(db(), { email: 'first-load@example.test', fullName: 'First Load' });
    const client = await loggedIn(app.url, 'first-load@example.test');
    const load = await measureFirstLoad(browser, `${app.url}/admin`, { sessionCookie: client.sessionCookie, readySelector: '[data-testid="dashboard"]' });

    expect(load.bytes, 'bytes on the wire').to.be.at.most(THREE_MB);
    const scripts = load.responses.filter((r) => r.url.endsWith('.js') || r.url.includes('.js?'));
    expect(scripts.map((s) => new URL(s.url).pathname).sort()).to.have.lengthOf(4);
    for (const script of scripts) {
      const name = new URL(script.url).pathname;
      expect(name, 'a content-hashed name under /admin/assets').to.match(/^\/admin\/assets\/[a-z-]+\.bundle\.[0-9a-f]{12}\.js$/);
      expect(script.status, name).to.equal(200);
      expect(script.encoding, `${name} compressed`).to.be.oneOf(['br', 'gzip']);
      expect(script.cacheControl, name).to.equal('public, max-age=31536000, immutable');
    }
    const page = load.responses.find((r) => new URL(r.url).pathname === '/admin');
    expect(page?.encoding, 'the page compressed').to.be.oneOf(['br', 'gzip']);
  });

  it('when the API answers a list of 20 clients, then the answer is compressed for a client that accepts it', async () => {
    const owner = await createUser(db(), { email: 'api-gzip@example.test' });
    for (let i = 0; i < 20; i++) await createClient(db(), owner, { email: `gzip-${i}@example.test` });
    const client = await loggedIn(app.url, 'api-gzip@example.test');
    const response = await fetch(`${app.url}/admin/api/resources/clients/actions/list`, { headers: { cookie: client.sessionCookie, 'accept-encoding': 'gzip' } });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-encoding')).to.equal('gzip');
    expect((await response.json()) as object).to.have.property('records');
  });

  it('when a script name is not one of the pre-built ones, then 404 and nothing else of the folder is served', async () => {
    for (const name of ['manifest.json', 'app.bundle.js', '%2e%2e%2fpackage.json', 'app.bundle.000000000000.js']) {
      expect((await fetch(`${app.url}/admin/assets/${name}`)).status, name).to.equal(404);
    }
  });
});
