// The blog over HTTP: published posts only, newest first, paginated; a post's page counts views and runs no script.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import type { Database } from '../../src/db/database.js';
import { startSiteApp, type SiteApp } from './helpers/site-app.js';

async function post(db: Database, title: string, publishedAt: Date | null, content = `${title} body.`): Promise<number> {
  return (await db.models.BlogPost.create({ title, content, image: '/static/blog/welcome.svg', publishedAt })).id;
}

const hoursAgo = (h: number): Date => new Date(Date.now() - h * 3600_000);

function listedIds(html: string): number[] {
  return [...html.matchAll(/data-post-id="(\d+)"/g)].map((m) => Number(m[1]));
}

describe('the blog', function () {
  const db = useTestDatabase();
  let app: SiteApp;

  afterEach(async () => {
    await app?.stop();
  });

  it('when posts are published, drafted and scheduled, then the list shows the published ones, newest first, by pages', async function () {
    const oldest = await post(db(), 'Oldest', hoursAgo(30));
    const newest = await post(db(), 'Newest', hoursAgo(1));
    const middle = await post(db(), 'Middle', hoursAgo(10));
    await post(db(), 'Draft', null);
    await post(db(), 'Tomorrow', new Date(Date.now() + 86400_000));
    app = await startSiteApp(db(), { site: { blogPageSize: 2 } });

    const first = await (await fetch(`${app.url}/blog`)).text();
    const second = await (await fetch(`${app.url}/blog?page=2`)).text();

    expect(listedIds(first)).to.deep.equal([newest, middle]);
    expect(listedIds(second)).to.deep.equal([oldest]);
    expect(first).to.contain('href="/blog?page=2"');
    expect(first + second).to.not.contain('Draft').and.not.contain('Tomorrow');
  });

  it('when there is no post, then the list says so', async function () {
    app = await startSiteApp(db());

    const html = await (await fetch(`${app.url}/blog`)).text();

    expect(html).to.contain('No posts yet');
  });

  it('when a published post is opened, then it shows its image, date and view count, one more per open', async function () {
    const id = await post(db(), 'Hello', new Date('2026-03-05T10:00:00Z'));
    app = await startSiteApp(db());

    await fetch(`${app.url}/blog/${id}`);
    const response = await fetch(`${app.url}/blog/${id}`);
    const html = await response.text();

    expect(response.status).to.equal(200);
    expect(html).to.contain('<img src="/static/blog/welcome.svg"').and.contain('5 March 2026').and.contain('data-views="2"');
  });

  it('when a draft, a future post or an unknown id is opened, then the answer is the 404 page and no view is counted', async function () {
    const draft = await post(db(), 'Draft', null);
    const future = await post(db(), 'Tomorrow', new Date(Date.now() + 86400_000));
    app = await startSiteApp(db());

    for (const path of [`/blog/${draft}`, `/blog/${future}`, '/blog/999999', '/blog/abc', '/blog/99999999999999']) {
      const response = await fetch(`${app.url}${path}`);
      expect(response.status, path).to.equal(404);
      expect(await response.text()).to.contain('Page not found');
    }
    const counts = (await db().models.BlogPost.findAll()).map((p) => p.viewsCount);
    expect(counts).to.deep.equal([0, 0]);
  });

  it('when 50 visitors open a post at the same time, then it counts exactly 50 views', async function () {
    const id = await post(db(), 'Popular', hoursAgo(1));
    app = await startSiteApp(db());

    const statuses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${app.url}/blog/${id}`).then(async (r) => (await r.text(), r.status))));

    expect(statuses.every((s) => s === 200)).to.equal(true);
    expect((await db().models.BlogPost.findByPk(id))!.viewsCount).to.equal(50);
  });

  it('when a post is plain text, then its blank lines make paragraphs and its line breaks stay', async function () {
    const id = await post(db(), 'Plain', hoursAgo(1), 'First line\nsecond line\n\nNext paragraph: 1 & 2');
    app = await startSiteApp(db());

    const html = await (await fetch(`${app.url}/blog/${id}`)).text();

    expect(html).to.contain('<p>First line<br>second line</p>').and.contain('<p>Next paragraph: 1 &amp; 2</p>');
  });

  it('when a post carries HTML and a script (rich text from the back office), then only its words show and no script or handler reaches the page', async function () {
    const content = '<p>Hello <strong>world</strong></p><p>1 &lt; 2 &amp; <em>safe</em></p><script>alert("x")</script><img src=x onerror=alert(1)><p><a href="javascript:alert(2)">click</a></p>';
    const id = await post(db(), '<b>Bold</b> title', hoursAgo(1), content);
    app = await startSiteApp(db());

    const response = await fetch(`${app.url}/blog/${id}`);
    const html = await response.text();

    expect(html).to.contain('<p>Hello world</p>').and.contain('<p>1 &lt; 2 &amp; safe</p>').and.contain('<p>click</p>');
    expect(html).to.not.contain('alert(').and.not.contain('onerror').and.not.contain('javascript:').and.not.contain('<strong>');
    expect(html).to.contain('&lt;b&gt;Bold&lt;/b&gt; title').and.not.contain('<b>Bold</b>');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).to.contain("script-src 'self'").and.not.contain('unsafe-inline');
  });

  it('when a plain-text post shows code, then it is shown as text, escaped', async function () {
    const id = await post(db(), 'Escaping', hoursAgo(1), 'Type 5 > 3 and "quotes" & \'apostrophes\'');
    app = await startSiteApp(db());

    const html = await (await fetch(`${app.url}/blog/${id}`)).text();

    expect(html).to.contain('Type 5 &gt; 3 and &#34;quotes&#34; &amp; &#39;apostrophes&#39;');
  });

  it('when a post names an image on another site, then the page leaves the image out', async function () {
    const created = await db().models.BlogPost.create({ title: 'Tracker', content: 'x', image: '//evil.example/pixel.gif', publishedAt: hoursAgo(1) });
    app = await startSiteApp(db());

    const html = await (await fetch(`${app.url}/blog/${created.id}`)).text();

    expect(html).to.not.contain('evil.example');
  });
});
