// Blog posts for content managers: an uploaded image stored under DATA_DIR/uploads and served at its URL path,
// images only and size-limited, the view count read-only.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
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
});
