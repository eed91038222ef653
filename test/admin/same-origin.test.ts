// CSRF and framing in the back office (issue 8, point 7): a state-changing request is accepted only from our own
// pages (Origin, else Referer), the login form included; no back-office page can be framed.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { AdminClient, apiResponse, loggedIn, type ApiResponse } from '../helpers/admin-client.js';
import { createClient, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import type { Client } from '../../src/models/index.js';

const FOREIGN = 'Use the back office from its own pages.';

/** A form POST with exactly these headers (a browser adds Origin; a forged or scripted request may not). */
async function postForm(url: string, fields: Record<string, string>, headers: Record<string, string>): Promise<ApiResponse> {
  return apiResponse(await fetch(url, { method: 'POST', body: new URLSearchParams(fields), headers, redirect: 'manual' }));
}

describe('state changes from other sites in the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);
  let owner: AdminClient;
  let client: Client;

  beforeEach(async () => {
    const user = await createUser(db(), { email: 'owner@example.test' });
    client = await createClient(db(), user, { fullName: 'Original' });
    owner = await loggedIn(app().url, 'owner@example.test');
  });

  const editUrl = (): string => `${app().url}/admin/api/resources/clients/records/${client.id}/edit`;
  const edit = (headers: Record<string, string>): Promise<ApiResponse> => postForm(editUrl(), { fullName: 'Forged' }, { cookie: owner.sessionCookie, ...headers });
  const nameNow = async (): Promise<string> => (await client.reload()).fullName;

  const CAME_FROM_ELSEWHERE = `This request came from another site and was refused. ${FOREIGN}`;
  const refusedEdits: [string, () => Record<string, string>, string][] = [
    ['posts an edit from another site (foreign Origin)', () => ({ origin: 'https://evil.example' }), CAME_FROM_ELSEWHERE],
    ['posts from another origin of the same site (another port: same-site is not same-origin)', () => ({ origin: `http://${new URL(app().url).hostname}:1` }), CAME_FROM_ELSEWHERE],
    ['posts with Origin "null" (a sandboxed frame or a stripped origin)', () => ({ origin: 'null' }), CAME_FROM_ELSEWHERE],
    ['posts without Origin from another site\'s page (its Referer)', () => ({ referer: 'https://evil.example/admin/resources/clients' }), CAME_FROM_ELSEWHERE],
    ['posts saying neither Origin nor Referer', () => ({}), `This request did not say where it came from (no Origin or Referer header) and was refused. ${FOREIGN}`],
  ];
  for (const [how, headers, message] of refusedEdits) {
    it(`when a logged-in user's browser ${how}, then 403 with a message and the record is unchanged`, async () => {
      const response = await edit(headers());

      expect(response.status).to.equal(403);
      expect(response.body.notice.message).to.equal(message);
      expect(await nameNow()).to.equal('Original');
    });
  }

  it('when a foreign Origin posts a delete or a bulk delete, then 403 and the record is still there', async () => {
    const cookie = owner.sessionCookie;
    const base = `${app().url}/admin/api/resources/clients`;

    const single = await postForm(`${base}/records/${client.id}/delete`, {}, { cookie, origin: 'https://evil.example' });
    const bulk = await postForm(`${base}/bulk/bulkDelete?recordIds=${client.id}`, {}, { cookie, origin: 'https://evil.example' });

    expect([single.status, bulk.status]).to.deep.equal([403, 403]);
    expect(await db().models.Client.findByPk(client.id)).to.not.equal(null);
  });

  it('when there is no Origin and the Referer is a back-office page, then the edit is saved', async () => {
    const response = await edit({ referer: `${app().url}/admin/resources/clients/records/${client.id}/edit` });

    expect(response.body.notice.type).to.equal('success');
    expect(await nameNow()).to.equal('Forged');
  });

  it('when the Origin is the back office\'s own, then the edit is saved', async () => {
    const response = await edit({ origin: app().url });

    expect(response.body.notice.type).to.equal('success');
    expect(await nameNow()).to.equal('Forged');
  });

  it('when the login form is posted from another site (login CSRF), then 403 and no session is opened', async () => {
    await createUser(db(), { email: 'attacker@example.test' });

    const response = await postForm(`${app().url}/admin/login`, { email: 'attacker@example.test', password: TEST_PASSWORD }, { origin: 'https://evil.example' });

    expect(response.status).to.equal(403);
    expect(response.text).to.contain('This request came from another site and was refused.');
    const [row] = await db().sequelize.query(`SELECT count(*)::int AS n FROM sessions WHERE sess -> 'adminUser' ->> 'email' = 'attacker@example.test'`, { type: 'SELECT' as never });
    expect(row).to.deep.equal({ n: 0 });
  });

  it('when the login form is posted from the back office\'s own page, then the user is logged in', async () => {
    const response = await postForm(`${app().url}/admin/login`, { email: 'owner@example.test', password: TEST_PASSWORD }, { origin: app().url });

    expect(response.status).to.equal(302);
    expect(response.location).to.equal('/admin');
  });

  it('when a back-office page, an API answer or a refusal is sent, then it forbids framing (X-Frame-Options DENY, frame-ancestors \'none\')', async () => {
    const answers = [
      await fetch(`${app().url}/admin/login`),
      await fetch(`${app().url}/admin`, { headers: { cookie: owner.sessionCookie } }),
      await fetch(`${app().url}/admin/api/resources/clients/actions/list`, { headers: { cookie: owner.sessionCookie } }),
      await fetch(editUrl(), { method: 'POST', headers: { cookie: owner.sessionCookie, origin: 'https://evil.example' } }),
    ];

    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200, 403]);
    for (const answer of answers) {
      expect(answer.headers.get('x-frame-options'), answer.url).to.equal('DENY');
      expect(answer.headers.get('content-security-policy'), answer.url).to.equal("frame-ancestors 'none'");
    }
  });
});

describe('state changes behind a proxy (APP_URL is not the address the request reached)', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { env: { APP_URL: 'https://mail.example.test' } });

  it('when the Origin is APP_URL\'s origin, then login and an edit are accepted', async () => {
    const user = await createUser(db(), { email: 'owner@example.test' });
    const client = await createClient(db(), user, { fullName: 'Original' });
    // as the proxy forwards it: the browser's Origin, the Host and scheme of the hop to us
    const browser = new AdminClient(app().url, { origin: 'https://mail.example.test', 'x-forwarded-proto': 'https' });

    expect((await browser.login('owner@example.test')).location).to.equal('/admin');
    const response = await browser.post(`/admin/api/resources/clients/records/${client.id}/edit`, { fullName: 'Renamed' });

    expect(response.body.notice.type).to.equal('success');
    expect((await client.reload()).fullName).to.equal('Renamed');
  });

  it('when the Origin is neither APP_URL\'s nor the address reached, then 403', async () => {
    await createUser(db(), { email: 'owner@example.test' });
    const browser = new AdminClient(app().url, { origin: 'https://other.example.test', 'x-forwarded-proto': 'https' });

    expect((await browser.login('owner@example.test')).status).to.equal(403);
  });
});
