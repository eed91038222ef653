// The site's frame: Bootstrap from the package, the error pages, and the dev mailbox only while the catcher runs.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { startSiteApp, type SiteApp } from './helpers/site-app.js';

describe('the public site frame', function () {
  const db = useTestDatabase();
  let app: SiteApp;

  afterEach(async () => {
    await app?.stop();
  });

  it('when a page is shown, then it uses Bootstrap served from this site and has the header links and a footer', async function () {
    app = await startSiteApp(db());

    const html = await (await fetch(`${app.url}/blog`)).text();
    const css = await fetch(`${app.url}/static/bootstrap.min.css`);
    const js = await fetch(`${app.url}/static/bootstrap.bundle.min.js`);

    expect(html).to.contain('<link rel="stylesheet" href="/static/bootstrap.min.css">').and.contain('<script src="/static/bootstrap.bundle.min.js"></script>');
    expect(html).to.not.match(/https?:\/\/(cdn|unpkg|fonts)\./);
    expect(html).to.contain('Mailing Service').and.contain('href="/admin/login"').and.contain('<footer');
    expect(css.status).to.equal(200);
    expect(css.headers.get('content-type')).to.contain('text/css');
    expect((await css.text()).length).to.be.greaterThan(100_000);
    expect(js.status).to.equal(200);
  });

  it('when an address is unknown, then the 404 page answers in the site layout', async function () {
    app = await startSiteApp(db());

    const response = await fetch(`${app.url}/no/such/page`);

    expect(response.status).to.equal(404);
    expect(await response.text()).to.contain('Page not found').and.contain('navbar');
  });

  it('when something fails on our side, then the 500 page answers and the process keeps serving', async function () {
    app = await startSiteApp(db());
    const sequelize = db().sequelize as unknown as { query: (...args: unknown[]) => unknown };
    const original = sequelize.query;
    sequelize.query = () => Promise.reject(new Error('connection lost'));
    let response: Response;
    try {
      response = await fetch(`${app.url}/blog/1`);
    } finally {
      sequelize.query = original;
    }

    expect(response.status).to.equal(500);
    expect(await response.text()).to.contain('Something went wrong').and.not.contain('connection lost');
    expect((await fetch(`${app.url}/blog`)).status).to.equal(200);
  });

  it('when no mail catcher runs (an SMTP server is configured), then /dev/mailbox does not exist', async function () {
    app = await startSiteApp(db());

    expect((await fetch(`${app.url}/dev/mailbox`)).status).to.equal(404);
  });
});
