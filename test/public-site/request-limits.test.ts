// Form bodies the public site will not read (issue 8, point 10): a clear page with the right status, never a 500.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { startSiteApp, type SiteApp } from './helpers/site-app.js';
import { WebClient } from './helpers/web-client.js';

const PASSWORD = 'violet-kettle-93';

describe('form bodies the public site refuses', () => {
  const db = useTestDatabase();
  let app: SiteApp;
  let browser: WebClient;

  beforeEach(async () => {
    app = await startSiteApp(db());
    browser = new WebClient(app.url);
  });
  afterEach(async () => {
    await app.stop();
  });

  it('when a /register body is 20 KB, then 413 with a page saying the form is too long, and no account', async () => {
    const answer = await browser.submit('/register', { email: 'long@example.test', password: PASSWORD, passwordConfirmation: PASSWORD, fullName: 'x'.repeat(20 * 1024) });

    expect(answer.status).to.equal(413);
    expect(answer.html).to.contain('This form is too long');
    expect(answer.html).to.contain('shorten what you typed and send it again');
    expect(await db().models.User.count()).to.equal(0);
  });

  it('when a /register body has too many fields, then 413 with the same page, and no account', async () => {
    const extra = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`f${i}`, '']));

    const answer = await browser.submit('/register', { email: 'many@example.test', password: PASSWORD, passwordConfirmation: PASSWORD, fullName: 'Many', ...extra });

    expect(answer.status).to.equal(413);
    expect(answer.html).to.contain('This form is too long');
    expect(await db().models.User.count()).to.equal(0);
  });

  it('when a form body is malformed (a charset we cannot read), then 415 with a page saying so, and no account', async () => {
    const response = await fetch(`${app.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=klingon' },
      body: 'email=x%40example.test',
    });

    expect(response.status).to.equal(415);
    expect(await response.text()).to.contain('This form could not be read');
    expect(await db().models.User.count()).to.equal(0);
  });
});
