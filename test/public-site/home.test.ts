// The landing page over HTTP: its figures, three random posts, and the cache in front of the database.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createMailingRow, createUser } from '../helpers/factories.js';
import type { Database } from '../../src/db/database.js';
import { startSiteApp, type SiteApp } from './helpers/site-app.js';

function stat(html: string, name: string): number {
  const match = new RegExp(`data-stat="${name}">([\\d,]+)<`).exec(html);
  if (!match) throw new Error(`no ${name} figure on the page`);
  return Number(match[1]!.replace(/,/g, ''));
}

function postIds(html: string): number[] {
  return [...html.matchAll(/data-post-id="(\d+)"/g)].map((m) => Number(m[1]));
}

async function publish(db: Database, title: string, overrides: { publishedAt?: Date | null; content?: string } = {}): Promise<number> {
  const post = await db.models.BlogPost.create({
    title,
    content: overrides.content ?? `${title} body.`,
    image: '/static/blog/tips.svg',
    publishedAt: overrides.publishedAt === undefined ? new Date(Date.now() - 3600_000) : overrides.publishedAt,
  });
  return post.id;
}

/** Counts the SQL statements the database receives while fn runs. */
async function countQueries(db: Database, fn: () => Promise<unknown>): Promise<number> {
  const original = db.sequelize.query.bind(db.sequelize);
  let count = 0;
  (db.sequelize as unknown as { query: unknown }).query = (...args: Parameters<typeof original>) => {
    count += 1;
    return original(...args);
  };
  try {
    await fn();
  } finally {
    (db.sequelize as unknown as { query: unknown }).query = original;
  }
  return count;
}

describe('the home page', function () {
  const db = useTestDatabase();
  let app: SiteApp | undefined;

  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  const home = async (): Promise<string> => {
    const response = await fetch(`${app!.url}/`);
    expect(response.status).to.equal(200);
    return response.text();
  };

  it('when the service is empty, then it shows zeros and an empty blog section', async function () {
    app = await startSiteApp(db());

    const html = await home();

    expect([stat(html, 'total-mailings'), stat(html, 'active-mailings'), stat(html, 'unique-clients')]).to.deep.equal([0, 0, 0]);
    expect(html).to.contain('data-empty="posts"');
    expect(html).to.contain('href="/admin/login"').and.contain('href="/blog"').and.contain('href="/register"');
  });

  it('when there are mailings and clients, then it shows the totals, the running ones and distinct client addresses', async function () {
    const ada = await createUser(db());
    const bob = await createUser(db());
    const adaSam = await createClient(db(), ada, { email: 'sam@example.test' });
    const bobSam = await createClient(db(), bob, { email: 'SAM@example.test' });
    const bobKim = await createClient(db(), bob, { email: 'kim@example.test' });
    await createClient(db(), bob, { email: 'in-no-mailing@example.test' });
    await createMailingRow(db(), ada, { status: 'running', clients: [adaSam] });
    await createMailingRow(db(), bob, { status: 'running', clients: [bobSam, bobKim] });
    const disabled = await createMailingRow(db(), bob, { status: 'running' });
    await disabled.update({ disabledAt: new Date(), disabledById: bob.id });
    await createMailingRow(db(), bob, { status: 'completed' });
    app = await startSiteApp(db());

    const html = await home();

    expect(stat(html, 'total-mailings')).to.equal(4);
    expect(stat(html, 'active-mailings')).to.equal(2);
    expect(stat(html, 'unique-clients')).to.equal(2);
  });

  it('when there are many published posts, then each request shows three distinct ones, picked at random, never a draft or a future post', async function () {
    const published = [];
    for (let i = 1; i <= 8; i++) published.push(await publish(db(), `Post ${i}`));
    const draft = await publish(db(), 'Draft', { publishedAt: null });
    const future = await publish(db(), 'Future', { publishedAt: new Date(Date.now() + 86400_000) });
    app = await startSiteApp(db());

    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const ids = postIds(await home());
      expect(ids).to.have.lengthOf(3);
      expect(new Set(ids).size).to.equal(3);
      expect(published).to.include.members(ids);
      expect(ids).to.not.include(draft).and.not.include(future);
      seen.add(ids.slice().sort().join(','));
    }
    expect(seen.size, 'different picks across requests').to.be.greaterThan(1);
  });

  describe('its cache', function () {
    it('when the page is served from the cache, then the database receives no query at all', async function () {
      await publish(db(), 'Cached post');
      app = await startSiteApp(db(), { site: { cache: { ttlMs: 60_000 } } });
      await home();

      const queries = await countQueries(db(), async () => {
        for (let i = 0; i < 5; i++) await home();
      });

      expect(queries).to.equal(0);
    });

    it('when the cache is off, then the same page does query the database (the counter sees queries)', async function () {
      app = await startSiteApp(db(), { site: { cache: { ttlMs: 0 } } });

      const queries = await countQueries(db(), () => home());

      expect(queries).to.be.greaterThan(0);
    });

    it('when a mailing, a client link or a post changes through the models, then the next request shows the new numbers', async function () {
      const owner = await createUser(db());
      app = await startSiteApp(db(), { site: { cache: { ttlMs: 60_000 } } });
      expect(stat(await home(), 'total-mailings')).to.equal(0);

      const client = await createClient(db(), owner);
      const mailing = await createMailingRow(db(), owner, { status: 'running', clients: [client] });
      const html = await home();
      expect([stat(html, 'total-mailings'), stat(html, 'active-mailings'), stat(html, 'unique-clients')]).to.deep.equal([1, 1, 1]);

      await mailing.update({ disabledAt: new Date(), disabledById: owner.id });
      expect(stat(await home(), 'active-mailings')).to.equal(0);

      await db().models.MailingClient.destroy({ where: { mailingId: mailing.id } });
      expect(stat(await home(), 'unique-clients')).to.equal(0);

      const id = await publish(db(), 'Fresh news');
      expect(postIds(await home())).to.deep.equal([id]);
    });

    it('when the time-to-live passes, then a change made behind the models (raw SQL) shows up', async function () {
      const owner = await createUser(db());
      app = await startSiteApp(db(), { site: { cache: { ttlMs: 150 } } });
      expect(stat(await home(), 'total-mailings')).to.equal(0);
      const message = await db().models.Message.create({ ownerId: owner.id, subject: 's', body: 'b' });
      await db().sequelize.query(
        `INSERT INTO mailings (owner_id, message_id, start_at, end_at, periodicity) VALUES (${owner.id}, ${message.id}, now(), now() + interval '1 day', 'daily')`,
      );

      expect(stat(await home(), 'total-mailings'), 'still cached').to.equal(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(stat(await home(), 'total-mailings'), 'after the time-to-live').to.equal(1);
    });

    it('when more pages are visited than the cache holds, then it keeps no more than its maximum', async function () {
      for (let i = 1; i <= 6; i++) await publish(db(), `Post ${i}`);
      app = await startSiteApp(db(), { site: { cache: { ttlMs: 60_000, max: 3 }, blogPageSize: 1 } });

      await home();
      for (let page = 1; page <= 6; page++) expect((await fetch(`${app.url}/blog?page=${page}`)).status).to.equal(200);

      expect(app.publicSite.cache.size).to.equal(3);
    });
  });
});
