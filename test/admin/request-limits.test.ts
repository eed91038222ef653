// Request bodies in the back office (issue 8, points 5 and 10): nothing is read before login, files only where a
// form takes them and never left on disk, sizes and types refused with a clear 4xx.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, useTestApp } from '../helpers/app.js';
import { AdminClient, apiResponse, loggedIn, type ApiResponse } from '../helpers/admin-client.js';
import { createUser } from '../helpers/factories.js';
import { uploadTempFolder } from '../../admin/index.js';

const MB = 1024 * 1024;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** A request as an attacker or a script sends it: exactly these headers and body. */
async function send(url: string, init: { body: BodyInit; headers: Record<string, string>; chunked?: boolean }): Promise<ApiResponse> {
  const options: RequestInit & { duplex?: 'half' } = { method: 'POST', headers: init.headers, body: init.body, redirect: 'manual' };
  if (init.chunked) {
    // a stream has no length: the body goes chunked, without Content-Length
    const wrapped = new Response(init.body);
    options.body = wrapped.body;
    options.headers = { 'content-type': wrapped.headers.get('content-type')!, ...init.headers };
    options.duplex = 'half';
  }
  return apiResponse(await fetch(url, options));
}

function bigFileForm(bytes: number, fields: Record<string, string> = {}, name = 'imageFile.0'): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append(name, new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'big.png');
  return form;
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The folder's files once the requests' responses have closed (their files are removed just after the answer). */
async function leftIn(folder: string): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    if (!fs.existsSync(folder) || fs.readdirSync(folder).length === 0) return [];
    await wait(20);
  }
  return fs.readdirSync(folder);
}

describe('request bodies in the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);
  const temp = (): string => uploadTempFolder(app().ctx);
  const origin = (): Record<string, string> => ({ origin: app().url });
  const writerCookie = async (): Promise<AdminClient> => {
    await createUser(db(), { email: 'writer@example.test', permissions: ['blog.manage'] });
    return loggedIn(app().url, 'writer@example.test');
  };
  /** A logged-in user (no permissions) and the headers their browser sends. */
  const userSession = async (extra: Record<string, string> = {}): Promise<{ client: AdminClient; headers: Record<string, string> }> => {
    await createUser(db(), { email: 'user@example.test' });
    const client = await loggedIn(app().url, 'user@example.test');
    return { client, headers: { ...origin(), cookie: client.sessionCookie, ...extra } };
  };

  describe('before login', () => {
    it('when an anonymous 30 MB multipart POST goes to the clients new action, then it is sent to the login page unread, nothing is created and no temp file is left', async () => {
      const response = await send(`${app().url}/admin/api/resources/clients/actions/new`, { body: bigFileForm(30 * MB, { email: 'a@example.test', fullName: 'A' }), headers: origin() });

      expect(response.status).to.equal(302);
      expect(response.location).to.equal('/admin/login');
      expect(await db().models.Client.count()).to.equal(0);
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when an anonymous 30 MB multipart POST goes to the login form, then 413 with the limit on the login page and no temp file', async () => {
      const response = await send(`${app().url}/admin/login`, { body: bigFileForm(30 * MB, { email: 'a@example.test', password: 'x' }), headers: origin() });

      expect(response.status).to.equal(413);
      expect(response.text).to.contain('The request is too large: at most 10 KB');
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when the same 30 MB POST comes without a Content-Length (chunked), then the login form still answers 413 and keeps no file', async () => {
      const response = await send(`${app().url}/admin/login`, { body: bigFileForm(30 * MB, { email: 'a@example.test', password: 'x' }), headers: origin(), chunked: true });

      expect(response.status).to.equal(413);
      expect(response.text).to.contain('at most 10 KB');
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when a file is posted to the login form, then it is refused (the login form takes no files) and nothing is kept', async () => {
      const form = bigFileForm(1024, { email: 'a@example.test', password: 'x' });

      const response = await send(`${app().url}/admin/login`, { body: form, headers: origin() });

      expect(response.status).to.equal(400);
      expect(response.text).to.contain('This address takes no files.');
      expect(await leftIn(temp())).to.deep.equal([]);
    });
  });

  describe('uploads of a logged-in content manager', () => {
    it('when a blog image is refused because it is not an image, then its temp file is removed', async () => {
      const writer = await writerCookie();
      const form = new FormData();
      form.append('title', 'Script');
      form.append('content', 'x');
      form.append('imageFile.0', new Blob([Buffer.from('<svg onload="alert(1)"/>')], { type: 'image/svg+xml' }), 'evil.svg');

      const response = await writer.post('/admin/api/resources/blog_posts/actions/new', form);

      expect(response.body.record.errors.imageFile.message).to.contain('PNG, JPEG, GIF or WebP');
      expect(await db().models.BlogPost.count()).to.equal(0);
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when a blog image is refused because it is over 2 MB, then its temp file is removed', async () => {
      const writer = await writerCookie();

      const response = await writer.post('/admin/api/resources/blog_posts/actions/new', bigFileForm(3 * MB, { title: 'Big', content: 'x' }));

      expect(response.body.record.errors.imageFile.message).to.contain('at most 2 MB');
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when a blog image is stored, then the temp file is gone and only the stored image remains', async () => {
      const writer = await writerCookie();
      const form = new FormData();
      form.append('title', 'Pixel');
      form.append('content', 'x');
      form.append('imageFile.0', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'pixel.png');

      const response = await writer.post('/admin/api/resources/blog_posts/actions/new', form);

      expect(response.body.notice.type).to.equal('success');
      const post = await db().models.BlogPost.findOne({ where: { title: 'Pixel' } });
      expect(fs.existsSync(path.join(app().ctx.config.dataDir, post!.image!))).to.equal(true);
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when a content manager gives a post an image through its edit form, then the file is read there and its temp file removed', async () => {
      const writer = await writerCookie();
      const post = await db().models.BlogPost.create({ title: 'Plain', content: 'x' });
      const form = new FormData();
      form.append('title', 'Pictured');
      form.append('imageFile.0', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'pixel.png');

      const response = await writer.post(`/admin/api/resources/blog_posts/records/${post.id}/edit`, form);

      expect(response.body.notice.type, JSON.stringify(response.body.record?.errors)).to.equal('success');
      await post.reload();
      expect(post.image).to.match(new RegExp(`^/uploads/blog/${post.id}/[0-9a-f-]+\\.png$`));
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when a content manager uploads a 30 MB image, then 413 with the file limit, no post and no temp file', async () => {
      const writer = await writerCookie();

      const response = await writer.post('/admin/api/resources/blog_posts/actions/new', bigFileForm(30 * MB, { title: 'Huge', content: 'x' }));

      expect(response.status).to.equal(413);
      expect(response.body.notice).to.deep.equal({ message: 'The request is too large: at most 10 MB are accepted here.', type: 'error' });
      expect(await db().models.BlogPost.count()).to.equal(0);
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when a 30 MB image comes chunked (no Content-Length), then the file limit answers 413 and the partial file is removed', async () => {
      const writer = await writerCookie();

      const response = await send(`${app().url}/admin/api/resources/blog_posts/actions/new`, {
        body: bigFileForm(30 * MB, { title: 'Huge', content: 'x' }),
        headers: { ...origin(), cookie: writer.sessionCookie },
        chunked: true,
      });

      expect(response.status).to.equal(413);
      expect(response.body.notice.message).to.equal('The file "big.png" is too large: at most 4 MB.');
      expect(await db().models.BlogPost.count()).to.equal(0);
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when an upload is aborted halfway, then its temp file is removed', async () => {
      const writer = await writerCookie();
      const boundary = 'x-boundary-0123456789';
      const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="imageFile.0"; filename="half.png"\r\nContent-Type: image/png\r\n\r\n`);
      const { port } = new URL(app().url);
      const request = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/admin/api/resources/blog_posts/actions/new',
        headers: { ...origin(), cookie: writer.sessionCookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + 3 * MB) },
      });
      request.on('error', () => undefined);
      request.write(head);
      request.write(Buffer.alloc(MB));
      // the upload is on disk before the client goes away
      for (let i = 0; i < 200 && (!fs.existsSync(temp()) || fs.readdirSync(temp()).length === 0); i++) await wait(20);
      expect(fs.readdirSync(temp())).to.have.length(1);

      request.destroy();

      expect(await leftIn(temp())).to.deep.equal([]);
      expect(await db().models.BlogPost.count()).to.equal(0);
    });

    it('when a file is posted to an action that takes none (a new client), then 400 with a message, no client and no temp file', async () => {
      const writer = await writerCookie();

      const response = await writer.post('/admin/api/resources/clients/actions/new', bigFileForm(1024, { email: 'file@example.test', fullName: 'File' }));

      expect(response.status).to.equal(400);
      expect(response.body.notice.message).to.equal('This address takes no files.');
      expect(await db().models.Client.count()).to.equal(0);
      expect(await leftIn(temp())).to.deep.equal([]);
    });
  });

  describe('bad bodies', () => {
    it('when a text/plain POST goes to any /admin path, then 415 with a message, never a 500', async () => {
      const user = await createUser(db(), { email: 'user@example.test' });
      const client = await loggedIn(app().url, 'user@example.test');
      const headers = { ...origin(), cookie: client.sessionCookie, 'content-type': 'text/plain' };
      const paths = [
        '/admin/api/resources/clients/actions/new',
        `/admin/api/resources/users/records/${user.id}/edit`,
        '/admin/api/resources/mailings/actions/new',
        '/admin/api/resources/no_such_resource/actions/new',
        '/admin/no/such/page',
      ];
      for (const target of paths) {
        const response = await send(`${app().url}${target}`, { body: 'email=a@example.test&fullName=A', headers });

        expect(response.status, target).to.equal(415);
        expect(response.body.notice.message, target).to.equal('This address accepts a form (urlencoded or multipart/form-data) or JSON, not text/plain.');
      }
      const login = await send(`${app().url}/admin/login`, { body: 'email=user@example.test&password=x', headers: { ...origin(), 'content-type': 'text/plain' } });
      expect(login.status).to.equal(415);
      expect(login.text).to.contain('This address accepts a form (urlencoded or multipart/form-data), not text/plain.');
      expect(await db().models.Client.count()).to.equal(0);
    });

    it('when a body comes as application/octet-stream, then 415 and nothing is written to disk', async () => {
      const client = await writerCookie();

      const response = await send(`${app().url}/admin/api/resources/blog_posts/actions/new`, { body: new Uint8Array(MB), headers: { ...origin(), cookie: client.sessionCookie, 'content-type': 'application/octet-stream' } });

      expect(response.status).to.equal(415);
      expect(response.body.notice.message).to.contain('not application/octet-stream');
      expect(await leftIn(temp())).to.deep.equal([]);
    });

    it('when a form field is 21 MB, then 413 with a message and no new row', async () => {
      const { client } = await userSession();

      const response = await client.post('/admin/api/resources/clients/actions/new', { email: 'big@example.test', fullName: 'Big', comment: 'x'.repeat(21 * MB) });

      expect(response.status).to.equal(413);
      expect(response.body.notice).to.deep.equal({ message: 'The request is too large: at most 6 MB are accepted here.', type: 'error' });
      expect(await db().models.Client.count()).to.equal(0);
    });

    it('when a 5 MB field comes chunked (no Content-Length), then the field limit answers 413 and no row is written', async () => {
      const { headers } = await userSession();
      const form = new FormData();
      form.append('email', 'big@example.test');
      form.append('fullName', 'Big');
      form.append('comment', 'x'.repeat(5 * MB));

      const response = await send(`${app().url}/admin/api/resources/clients/actions/new`, { body: form, headers, chunked: true });

      expect(response.status).to.equal(413);
      expect(response.body.notice.message).to.equal('The field "comment" is too large: at most 4 MB a field.');
      expect(await db().models.Client.count()).to.equal(0);
    });

    it('when a chunked urlencoded body grows past 6 MB in fields under the field limit, then 413 for the whole request', async () => {
      const { headers } = await userSession();
      const body = new URLSearchParams({ email: 'big@example.test', fullName: 'x'.repeat(3.5 * MB), comment: 'y'.repeat(3.5 * MB) }).toString();

      const response = await send(`${app().url}/admin/api/resources/clients/actions/new`, {
        body,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        chunked: true,
      });

      expect(response.status).to.equal(413);
      expect(response.body.notice.message).to.equal('The request is too large: at most 6 MB are accepted here.');
      expect(await db().models.Client.count()).to.equal(0);
    });

    it('when a form has more than 1,000 fields, then 413 with the limit and no row', async () => {
      const { client } = await userSession();
      const fields: Record<string, string> = { email: 'many@example.test', fullName: 'Many' };
      for (let i = 0; i < 1000; i++) fields[`extra${i}`] = 'x';

      const response = await client.post('/admin/api/resources/clients/actions/new', fields);

      expect(response.status).to.equal(413);
      expect(response.body.notice.message).to.equal('The form has too many fields: at most 1000.');
      expect(await db().models.Client.count()).to.equal(0);
    });

    it('when the body is not valid JSON, then 400 with a message', async () => {
      const { headers } = await userSession();

      const response = await send(`${app().url}/admin/api/resources/clients/actions/new`, { body: '{"email": ', headers: { ...headers, 'content-type': 'application/json' } });

      expect(response.status).to.equal(400);
      expect(response.body.notice.message).to.equal('The request body is not valid JSON.');
    });

    it('when a client comes as JSON (as the back office\'s own calls send), then it is read and saved', async () => {
      const { headers } = await userSession();

      const response = await send(`${app().url}/admin/api/resources/clients/actions/new`, {
        body: JSON.stringify({ email: 'json@example.test', fullName: 'Jason' }),
        headers: { ...headers, 'content-type': 'application/json' },
      });

      expect(response.body.notice.type, JSON.stringify(response.body)).to.equal('success');
      expect(await db().models.Client.count({ where: { email: 'json@example.test' } })).to.equal(1);
    });

    it('when a message body of 900 KB and a field of 10,000 ids (70 KB) are posted, then the form is read within the limits', async () => {
      const { client } = await userSession();
      const ids = Array.from({ length: 10_000 }, (_, i) => String(1_000_000 + i)).join(',');

      const response = await client.post('/admin/api/resources/messages/actions/new', { subject: 'Long', body: 'word '.repeat(180_000), unused: ids });

      expect(response.body.notice.type, JSON.stringify(response.body).slice(0, 300)).to.equal('success');
      const message = await db().models.Message.findOne({ where: { subject: 'Long' } });
      expect(message!.body).to.have.length(900_000);
    });
  });

  describe('uploads left by a crash', () => {
    it('when the service starts, then temp files older than an hour are removed and newer ones kept', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailing-test-data-'));
      const folder = path.join(dataDir, 'upload-tmp');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'upload_old'), 'left by a killed process');
      fs.writeFileSync(path.join(folder, 'upload_new'), 'another process\'s upload in progress');
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      fs.utimesSync(path.join(folder, 'upload_old'), twoHoursAgo, twoHoursAgo);

      const started = await startTestApp({ db: db(), env: { DATA_DIR: dataDir } });
      try {
        expect(uploadTempFolder(started.ctx)).to.equal(folder);
        expect(fs.readdirSync(folder)).to.deep.equal(['upload_new']);
      } finally {
        await started.stop();
      }
    });
  });
});
