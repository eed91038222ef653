// Blog posts for content managers: an uploaded image stored under DATA_DIR/uploads and served at its URL path,
// images only and size-limited, the view count read-only.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn, type AdminClient } from '../helpers/admin-client.js';
import { createUser } from '../helpers/factories.js';

// the smallest valid PNG (1×1 transparent pixel)
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function form(fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  if (file) data.append('imageFile.0', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  return data;
}

describe('blog posts in the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  function fileOf(image: string | null): string {
    return path.join(app().ctx.config.dataDir, String(image).replace(/^\//, ''));
  }

  /** A published post with an uploaded PNG, made through the API; returns its id and stored image. */
  async function postWithImage(client: AdminClient, title: string): Promise<{ id: number; image: string }> {
    const response = await client.post('/admin/api/resources/blog_posts/actions/new', form({ title, content: 'x', publishedAt: new Date().toISOString() }, { name: 'pixel.png', type: 'image/png', data: PNG }));
    expect(response.body.notice.type, JSON.stringify(response.body.record?.errors)).to.equal('success');
    const post = await db().models.BlogPost.findOne({ where: { title } });
    expect(fs.existsSync(fileOf(post!.image)), `${title}'s file`).to.equal(true);
    return { id: post!.id, image: post!.image! };
  }

  it('when a content manager creates a post with a PNG, then image is its URL path and the file is served there', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');

    const response = await writer.post('/admin/api/resources/blog_posts/actions/new', form({ title: 'Pictures', content: '<p>Hi</p>', publishedAt: new Date().toISOString() }, { name: 'pixel.png', type: 'image/png', data: PNG }));

    expect(response.body.notice.type, JSON.stringify(response.body.record?.errors)).to.equal('success');
    const post = await db().models.BlogPost.findOne({ where: { title: 'Pictures' } });
    expect(post!.image).to.match(/^\/uploads\/blog\/\d+\/[0-9a-f-]+\.png$/);
    expect(fs.existsSync(path.join(app().ctx.config.dataDir, post!.image!.replace(/^\//, '')))).to.equal(true);
    const served = await fetch(`${app().url}${post!.image}`);
    expect(served.status).to.equal(200);
    expect(served.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).to.equal(true);
  });

  it('when the file is not an image, then the post is refused with a message on the image field', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');

    const response = await writer.post('/admin/api/resources/blog_posts/actions/new', form({ title: 'Script', content: 'x' }, { name: 'evil.svg', type: 'image/svg+xml', data: Buffer.from('<svg onload="alert(1)"/>') }));

    expect(response.body.record.errors.imageFile.message).to.contain('PNG, JPEG, GIF or WebP');
    expect(await db().models.BlogPost.count()).to.equal(0);
  });

  it('when a file claims to be a PNG but is named .html, then it is refused (it would be served as a page)', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');

    const response = await writer.post('/admin/api/resources/blog_posts/actions/new', form({ title: 'Page', content: 'x' }, { name: 'page.html', type: 'image/png', data: Buffer.from('<script>alert(1)</script>') }));

    expect(response.body.record.errors.imageFile.message).to.contain('PNG, JPEG, GIF or WebP');
    expect(await db().models.BlogPost.count()).to.equal(0);
  });

  it('when the image is larger than 2 MB, then it is refused', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 + 1)]);

    const response = await writer.post('/admin/api/resources/blog_posts/actions/new', form({ title: 'Big', content: 'x' }, { name: 'big.png', type: 'image/png', data: big }));

    expect(response.body.record.errors.imageFile.message).to.contain('at most 2 MB');
    expect(await db().models.BlogPost.count()).to.equal(0);
  });

  it('when the view count or the author is sent in a form, then it is ignored', async () => {
    const writer = await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const other = await createUser(db(), { email: 'other@example.test' });
    const post = await db().models.BlogPost.create({ title: 'Counted', content: 'x', viewsCount: 7, authorId: writer.id });
    const client = await loggedIn(app().url, 'writer@example.test');

    await client.post(`/admin/api/resources/blog_posts/records/${post.id}/edit`, { title: 'Counted again', viewsCount: '100000', authorId: String(other.id), image: 'javascript:alert(1)' });

    await post.reload();
    expect(post.title).to.equal('Counted again');
    expect(post.viewsCount).to.equal(7);
    expect(post.authorId).to.equal(writer.id);
  });

  it('when a form sets image=/admin/logout, then it is ignored and no public page renders that address', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');
    const published = new Date(Date.now() - 60_000).toISOString();

    const created = await writer.post('/admin/api/resources/blog_posts/actions/new', { title: 'Trap', content: 'x', publishedAt: published, image: '/admin/logout' });
    const { id, image } = await postWithImage(writer, 'Own picture');
    const edited = await writer.post(`/admin/api/resources/blog_posts/records/${id}/edit`, { title: 'Own picture', image: '/admin/logout' });

    expect(created.body.notice.type).to.equal('success');
    expect(edited.body.notice.type).to.equal('success');
    expect((await db().models.BlogPost.findOne({ where: { title: 'Trap' } }))!.image).to.equal(null);
    expect((await db().models.BlogPost.findByPk(id))!.image, 'the upload stays').to.equal(image);
    const trap = (await db().models.BlogPost.findOne({ where: { title: 'Trap' } }))!;
    for (const page of ['/', '/blog', `/blog/${trap.id}`, `/blog/${id}`]) {
      const html = await (await fetch(`${app().url}${page}`)).text();
      expect(html, page).to.not.contain('/admin/logout');
    }
    expect(await (await fetch(`${app().url}/blog/${id}`)).text()).to.contain(`<img src="${image}"`);
  });

  it('when a stored image is not an upload of its own post (another post\'s file, a back-office path), then the public pages leave it out', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');
    const a = await postWithImage(writer, 'Post A');
    const published = new Date(Date.now() - 60_000);
    // rows written before images were checked
    const borrowed = await db().models.BlogPost.create({ title: 'Borrowed', content: 'x', image: a.image, publishedAt: published });
    const logout = await db().models.BlogPost.create({ title: 'Logout', content: 'x', image: '/admin/logout', publishedAt: published });
    const shipped = await db().models.BlogPost.create({ title: 'Shipped', content: 'x', image: '/static/blog/welcome.svg', publishedAt: published });

    const blog = await (await fetch(`${app().url}/blog`)).text();

    expect(blog.split(a.image).length - 1, 'A\'s image shows once, on A').to.equal(1);
    expect(blog).to.not.contain('/admin/logout');
    expect(blog).to.contain('/static/blog/welcome.svg');
    expect(await (await fetch(`${app().url}/blog/${borrowed.id}`)).text()).to.not.contain(a.image);
    expect(await (await fetch(`${app().url}/blog/${logout.id}`)).text()).to.not.contain('/admin/logout');
    expect(await (await fetch(`${app().url}/blog/${shipped.id}`)).text()).to.contain('<img src="/static/blog/welcome.svg"');
  });

  it('when post B\'s form names post A\'s file and B\'s image is then replaced and removed, then A\'s file is still there', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');
    const a = await postWithImage(writer, 'Post A');
    const b = await postWithImage(writer, 'Post B');
    const edit = `/admin/api/resources/blog_posts/records/${b.id}/edit`;

    const pointed = await writer.post(edit, { title: 'Post B', image: a.image });
    expect(pointed.body.notice.type).to.equal('success');
    expect((await db().models.BlogPost.findByPk(b.id))!.image, 'the form does not write image').to.equal(b.image);

    const replaced = await writer.post(edit, form({ title: 'Post B', image: a.image }, { name: 'other.png', type: 'image/png', data: PNG }));
    expect(replaced.body.notice.type).to.equal('success');
    const newB = (await db().models.BlogPost.findByPk(b.id))!.image!;
    expect(newB).to.match(new RegExp(`^/uploads/blog/${b.id}/`)).and.not.equal(b.image);
    expect(fs.existsSync(fileOf(b.image)), 'B\'s old file is gone').to.equal(false);

    const removed = await writer.post(edit, { title: 'Post B', imageFile: '__FORM_VALUE_NULL__', image: a.image });
    expect(removed.body.notice.type).to.equal('success');
    expect((await db().models.BlogPost.findByPk(b.id))!.image).to.equal(null);
    expect(fs.existsSync(fileOf(newB)), 'B\'s own file is removed with its image').to.equal(false);

    expect(fs.existsSync(fileOf(a.image)), 'A\'s file').to.equal(true);
    expect((await db().models.BlogPost.findByPk(a.id))!.image).to.equal(a.image);
  });

  it('when a stored image names another post\'s file (a row from before the check), then replacing, removing or deleting that post leaves the file', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');
    const a = await postWithImage(writer, 'Post A');
    const borrowers = await Promise.all(['B1', 'B2', 'B3', 'B4'].map((title) => db().models.BlogPost.create({ title, content: 'x', image: a.image })));
    const [replace, remove, remove1, bulk] = borrowers.map((post) => post.id) as [number, number, number, number];

    const replaced = await writer.post(`/admin/api/resources/blog_posts/records/${replace}/edit`, form({ title: 'B1' }, { name: 'mine.png', type: 'image/png', data: PNG }));
    const removed = await writer.post(`/admin/api/resources/blog_posts/records/${remove}/edit`, { title: 'B2', imageFile: '__FORM_VALUE_NULL__' });
    const deleted = await writer.post(`/admin/api/resources/blog_posts/records/${remove1}/delete`);
    const bulkDeleted = await writer.post(`/admin/api/resources/blog_posts/bulk/bulkDelete?recordIds=${bulk}`);

    for (const response of [replaced, removed, deleted, bulkDeleted]) expect(response.body.notice.type, JSON.stringify(response.body.notice)).to.equal('success');
    expect((await db().models.BlogPost.findByPk(replace))!.image).to.match(new RegExp(`^/uploads/blog/${replace}/`));
    expect(await db().models.BlogPost.findByPk(remove1)).to.equal(null);
    expect(await db().models.BlogPost.findByPk(bulk)).to.equal(null);
    expect(fs.existsSync(fileOf(a.image)), 'A\'s file').to.equal(true);
  });

  it('when a post with an uploaded image is deleted, then its own file is removed', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');
    const one = await postWithImage(writer, 'One');
    const two = await postWithImage(writer, 'Two');

    await writer.post(`/admin/api/resources/blog_posts/records/${one.id}/delete`);
    await writer.post(`/admin/api/resources/blog_posts/bulk/bulkDelete?recordIds=${two.id}`);

    expect(fs.existsSync(fileOf(one.image))).to.equal(false);
    expect(fs.existsSync(fileOf(two.image))).to.equal(false);
  });

  it('when the image field carries a text instead of a file (a path), then the form is refused on that field and nothing is stored', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');
    const post = await db().models.BlogPost.create({ title: 'Kept', content: 'x' });

    const created = await writer.post('/admin/api/resources/blog_posts/actions/new', { title: 'Path', content: 'x', 'imageFile.0': '/admin/logout' });
    const edited = await writer.post(`/admin/api/resources/blog_posts/records/${post.id}/edit`, { title: 'Changed', imageFile: '/admin/logout' });

    for (const response of [created, edited]) {
      expect(response.status).to.equal(200);
      expect(response.body.record.errors.imageFile.message).to.contain('Choose an image file');
    }
    expect(await db().models.BlogPost.count()).to.equal(1);
    expect((await post.reload()).title).to.equal('Kept');
  });

  it('when a stored image is a back-office path (a row from before the check), then the back office links no image for it', async () => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    const writer = await loggedIn(app().url, 'writer@example.test');
    const trap = await db().models.BlogPost.create({ title: 'Trap', content: 'x', image: '/admin/logout' });
    const own = await postWithImage(writer, 'Own');

    const shown = await writer.get(`/admin/api/resources/blog_posts/records/${trap.id}/show`);
    const listed = await writer.get('/admin/api/resources/blog_posts/actions/list');

    expect(shown.body.record.params.imagePath).to.not.be.ok;
    const paths = Object.fromEntries((listed.body.records as Array<{ id: string; params: { imagePath?: string } }>).map((record) => [record.id, record.params.imagePath]));
    expect(paths[String(trap.id)]).to.not.be.ok;
    expect(paths[String(own.id)], 'a real upload keeps its link').to.equal(own.image);
  });
});
