// Unsubscribe links (RFC 8058): the signed token, and the public page against the real app and database.
import { expect } from 'chai';
import { readUnsubscribeToken, unsubscribeToken, unsubscribeUrl } from '../../src/audience/unsubscribe.js';
import type { Client, User } from '../../src/models/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createUser } from '../helpers/factories.js';
import { startSiteApp, type SiteApp } from '../public-site/helpers/site-app.js';
import { hiddenFields, WebClient } from '../public-site/helpers/web-client.js';

const SECRET = 'unsubscribe-test-secret-0123456789';

describe('unsubscribe tokens', () => {
  it('when a token is made for a client and owner, then reading it with the same secret gives both back', () => {
    const token = unsubscribeToken(SECRET, 42, 7);
    expect(token).to.match(/^42\.7\.[A-Za-z0-9_-]{43}$/);
    expect(readUnsubscribeToken(SECRET, token)).to.deep.equal({ clientId: 42, ownerId: 7 });
  });

  it('when a token is altered (other client, other owner, changed signature, truncated, other secret), then it is refused', () => {
    const token = unsubscribeToken(SECRET, 42, 7);
    const [, , mac] = token.split('.');
    const flipped = mac!.slice(0, 10) + (mac![10] === 'A' ? 'B' : 'A') + mac!.slice(11);
    for (const bad of [`43.7.${mac}`, `42.8.${mac}`, `42.7.${flipped}`, token.slice(0, -1), token.slice(0, 20), `${token}x`, '', '0.7.' + mac, '42.7']) {
      expect(readUnsubscribeToken(SECRET, bad), bad).to.equal(undefined);
    }
    expect(readUnsubscribeToken('another-secret-0123456789', token)).to.equal(undefined);
    expect(readUnsubscribeToken(SECRET, 42)).to.equal(undefined);
  });

  it('when the URL is made, then it is APP_URL/unsubscribe/<token of that client and owner>', () => {
    const url = unsubscribeUrl({ appUrl: 'https://mail.example.com', unsubscribeSecret: SECRET }, 42, 7);
    expect(url).to.equal(`https://mail.example.com/unsubscribe/${unsubscribeToken(SECRET, 42, 7)}`);
  });
});

describe('the unsubscribe page', function () {
  const db = useTestDatabase();
  let app: SiteApp;
  let owner: User;
  let client: Client;

  beforeEach(async () => {
    app = await startSiteApp(db(), { site: { unsubscribeLimit: { limit: 3, windowMs: 60_000 } } });
    owner = await createUser(db(), { fullName: 'Anna Owner' });
    await owner.update({ senderName: 'Flower Shop' });
    client = await createClient(db(), owner, { email: 'reader@example.test', fullName: 'Reader' });
  });

  afterEach(async () => {
    await app.stop();
  });

  const pathOf = (clientId: number, ownerId: number): string =>
    new URL(unsubscribeUrl(app.ctx.config, clientId, ownerId)).pathname;
  const unsubscribedAt = async (id = client.id): Promise<Date | null> => (await db().models.Client.findByPk(id))!.unsubscribedAt ?? null;

  /** A mail client's one-click POST: no cookie, only the RFC 8058 body. */
  function oneClick(path: string, body: string | FormData = 'List-Unsubscribe=One-Click'): Promise<Response> {
    const headers: Record<string, string> = typeof body === 'string' ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    return fetch(new URL(path, app.url), { method: 'POST', headers, body, redirect: 'manual' });
  }

  it('when the link is opened (GET), then the page shows the address, the sender and one button, and nothing changes', async () => {
    const page = await new WebClient(app.url).get(pathOf(client.id, owner.id));
    expect(page.status).to.equal(200);
    expect(page.html).to.include('reader@example.test').and.include('Flower Shop');
    // one form with one button (the header's menu toggle is not a form button)
    expect(page.html.match(/<form/g)).to.have.length(1);
    expect(page.html.match(/type="submit"/g)).to.have.length(1);
    expect(page.html).to.include('>Unsubscribe</button>');
    expect(page.headers.get('cache-control')).to.equal('no-store');
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(await unsubscribedAt()).to.equal(null);
  });

  it('when a mail client makes the one-click POST without cookies (url-encoded), then the client is unsubscribed at once and the answer is 200', async () => {
    const answer = await oneClick(pathOf(client.id, owner.id));
    expect(answer.status).to.equal(200);
    expect(await unsubscribedAt()).to.be.instanceOf(Date);
  });

  it('when the one-click POST comes as multipart/form-data without cookies, then the client is unsubscribed and the answer is 200', async () => {
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const answer = await oneClick(pathOf(client.id, owner.id), form);
    expect(answer.status).to.equal(200);
    expect(await unsubscribedAt()).to.be.instanceOf(Date);
  });

  it('when a POST without cookies has neither the one-click body nor a CSRF token, then it is refused with 403 and nothing changes', async () => {
    const answer = await oneClick(pathOf(client.id, owner.id), 'action=unsubscribe');
    expect(answer.status).to.equal(403);
    expect(await unsubscribedAt()).to.equal(null);
  });

  it('when the recipient presses the page button, then they are unsubscribed; pressing "Subscribe again" on the same page undoes it', async () => {
    const browser = new WebClient(app.url);
    const done = await browser.submit(pathOf(client.id, owner.id), {});
    expect(done.status).to.equal(200);
    expect(done.html).to.include('You are unsubscribed');
    const at = await unsubscribedAt();
    expect(at).to.be.instanceOf(Date);

    // a second unsubscribe keeps the first date
    await oneClick(pathOf(client.id, owner.id));
    expect((await unsubscribedAt())!.getTime()).to.equal(at!.getTime());

    const again = await browser.post(pathOf(client.id, owner.id), { ...hiddenFields(done.html) });
    expect(hiddenFields(done.html).action).to.equal('resubscribe');
    expect(again.status).to.equal(200);
    expect(again.html).to.include('You are subscribed again');
    expect(await unsubscribedAt()).to.equal(null);
  });

  it('when the page form is posted with a wrong CSRF token, then it is refused with 403 and nothing changes', async () => {
    const browser = new WebClient(app.url);
    await browser.get(pathOf(client.id, owner.id));
    const answer = await browser.post(pathOf(client.id, owner.id), { _csrf: 'forged', action: 'unsubscribe' });
    expect(answer.status).to.equal(403);
    expect(await unsubscribedAt()).to.equal(null);
  });

  it('when the token is forged or truncated, then GET and the one-click POST answer 400 saying the link is not valid, and nothing changes', async () => {
    const good = pathOf(client.id, owner.id);
    const forged = good.slice(0, -5) + (good.endsWith('AAAAA') ? 'BBBBB' : 'AAAAA');
    const other = new WebClient(app.url);
    for (const path of [forged, good.slice(0, -1)]) {
      const page = await other.get(path);
      expect(page.status, path).to.equal(400);
      expect(page.html).to.include('This unsubscribe link is not valid');
    }
    // the limit counts refused links: stay under it with a fresh app for the POST
    await app.stop();
    app = await startSiteApp(db(), { site: { unsubscribeLimit: { limit: 3, windowMs: 60_000 } } });
    const answer = await oneClick(forged);
    expect(answer.status).to.equal(400);
    expect(await answer.text()).to.include('This unsubscribe link is not valid');
    expect(await unsubscribedAt()).to.equal(null);
  });

  it("when a signed token names a client with another owner than its own, then it answers 404 (not on the list) and nothing changes", async () => {
    const stranger = await createUser(db());
    const path = pathOf(client.id, stranger.id);
    const page = await new WebClient(app.url).get(path);
    expect(page.status).to.equal(404);
    expect(page.html).to.include('This address is not on the list');
    const answer = await oneClick(path);
    expect(answer.status).to.equal(404);
    expect(await unsubscribedAt()).to.equal(null);
  });

  it('when one owner\'s client unsubscribes, then the same address kept by another owner stays subscribed', async () => {
    const otherOwner = await createUser(db());
    const twin = await createClient(db(), otherOwner, { email: 'reader@example.test' });
    await oneClick(pathOf(client.id, owner.id));
    expect(await unsubscribedAt()).to.be.instanceOf(Date);
    expect(await unsubscribedAt(twin.id)).to.equal(null);
  });

  it('when the browser asks for Russian, then the page is in Russian', async () => {
    const answer = await fetch(new URL(pathOf(client.id, owner.id), app.url), { headers: { 'accept-language': 'ru-RU,ru;q=0.9' } });
    const html = await answer.text();
    expect(html).to.include('>Отписаться</button>').and.include('Больше не получать рассылки от Flower Shop');
  });

  it('when one address opens more wrong links than the limit allows, then it gets 429 and even a good link waits', async () => {
    const bad = pathOf(client.id, owner.id).slice(0, -3) + 'xyz';
    for (let i = 0; i < 3; i += 1) expect((await oneClick(bad)).status).to.equal(400);
    const limited = await oneClick(pathOf(client.id, owner.id));
    expect(limited.status).to.equal(429);
    expect(await unsubscribedAt()).to.equal(null);
  });

  it('when good links are used many times from one address, then the limit is not reached (a provider posts for many recipients)', async () => {
    for (let i = 0; i < 6; i += 1) expect((await oneClick(pathOf(client.id, owner.id))).status).to.equal(200);
  });
});
