// The clients' CSV import, export and pickers through the back office's real HTTP API: the two steps of an import,
// the file limit (refused before the file is read whole), the export's CSV for Excel with formulas neutralised,
// and a second user who can never reach the first one's clients, imports or tags.
import http from 'node:http';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn, type AdminClient } from '../helpers/admin-client.js';
import { createClient, createUser } from '../helpers/factories.js';
import { csvBytes, tenRows } from '../audience/csv-fixtures.js';
import { ru } from '../../admin/locale/ru.js';

const MB = 1024 * 1024;
const IMPORT = '/admin/api/resources/clients/actions/importClients';

function fileForm(bytes: Buffer, name = 'clients.csv'): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/csv' }), name);
  return form;
}

/** A JSON POST as the import screen sends it (AdminJS's ApiClient posts JSON). */
async function postJson(client: AdminClient, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${client.baseUrl}${path}`, {
    method: 'POST',
    headers: { origin: client.baseUrl, cookie: client.sessionCookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function download(client: AdminClient, path: string): Promise<{ status: number; bytes: Buffer; type: string | null }> {
  const response = await fetch(`${client.baseUrl}${path}`, { headers: { cookie: client.sessionCookie }, redirect: 'manual' });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type') };
}

/**
 * Sends a 50 MB upload slowly enough to watch (awaiting the socket between 1 MB chunks) and stops at the first
 * answer: how many bytes had been sent then, and the answer.
 */
function sendUntilAnswered(url: string, cookie: string, options: { declareLength: boolean }): Promise<{ status: number; body: string; sentBytes: number }> {
  const total = 50 * MB;
  const boundary = 'xxBOUNDARYxx';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const headers: Record<string, string> = { origin: url, cookie, 'content-type': `multipart/form-data; boundary=${boundary}` };
    if (options.declareLength) headers['content-length'] = String(head.length + total);
    const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: IMPORT, headers }, (response) => {
      answered = true;
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body, sentBytes: sent });
      });
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const line = Buffer.from('someone@example.test,Some One,\r\n'.repeat(MB / 32).slice(0, MB));
    const pump = (): void => {
      if (answered || sent >= total) return;
      sent += line.length;
      if (request.write(line)) setImmediate(pump);
      else request.once('drain', pump);
    };
    request.write(head);
    pump();
  });
}

describe('clients import and export in the back office', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  const app = useTestApp(db);
  let owner: AdminClient;
  let other: AdminClient;

  beforeEach(async () => {
    await createUser(db(), { email: 'owner@example.test' });
    await createUser(db(), { email: 'other@example.test' });
    owner = await loggedIn(app().url, 'owner@example.test');
    other = await loggedIn(app().url, 'other@example.test');
  });

  async function importFile(client: AdminClient, bytes: Buffer, onDuplicate = 'update'): Promise<any> {
    const preview = await client.post(IMPORT, fileForm(bytes));
    expect(preview.status).to.equal(200);
    expect(preview.body.preview, JSON.stringify(preview.body)).to.be.an('object');
    const confirmed = await postJson(client, IMPORT, { step: 'confirm', importId: preview.body.preview.id, mapping: preview.body.preview.mapping, onDuplicate });
    expect(confirmed.status).to.equal(200);
    return confirmed.body.result;
  }

  it('when a file is uploaded, then the preview shows its header, first rows and mapping and nothing is saved; when confirmed, the result counts every row', async () => {
    const preview = await owner.post(IMPORT, fileForm(csvBytes(tenRows(), { encoding: 'windows-1251', delimiter: ';' })));
    expect(preview.status).to.equal(200);
    expect(preview.body.preview).to.include({ encoding: 'windows-1251', delimiter: ';', rowCount: 10 });
    expect(preview.body.preview.rows[0]).to.deep.equal(['anna@example.test', 'Анна Петрова', 'постоянный клиент', 'vip, Москва']);
    expect(await db().models.Client.count()).to.equal(0);

    const confirmed = await postJson(owner, IMPORT, { step: 'confirm', importId: preview.body.preview.id, mapping: preview.body.preview.mapping, onDuplicate: 'skip' });
    expect(confirmed.body.result).to.include({ state: 'done', added: 10, updated: 0, skipped: 0, refused: 0 });
    const again = await owner.get(`${IMPORT}?importId=${preview.body.preview.id}`);
    expect(again.body.result).to.deep.equal(confirmed.body.result);
  });

  it('when an import refuses rows, then the refused rows download as CSV with line, e-mail and reason', async () => {
    const result = await importFile(owner, csvBytes([['email', 'name'], ['ok@example.test', 'Ok'], ['broken', 'Bad'], ['', 'Nobody']]));
    expect(result).to.include({ added: 1, refused: 2 });
    const file = await download(owner, `/admin/audience/imports/${result.id}/refused.csv`);
    expect(file.status).to.equal(200);
    expect(parse(file.bytes, { bom: true })).to.deep.equal([['line', 'email', 'reason'], ['3', 'broken', 'Enter a valid e-mail address'], ['4', '', 'No e-mail address']]);
  });

  it('when the file is empty, then the answer is 200 with the message on the file field and nothing is kept', async () => {
    const response = await owner.post(IMPORT, fileForm(Buffer.alloc(0), 'empty.csv'));
    expect(response.status).to.equal(200);
    expect(response.body.error).to.deep.equal({ message: 'The file is empty: there is nothing to import.', fields: { file: 'The file is empty' } });
    expect(await db().models.ClientImport.count()).to.equal(0);
  });

  it('when a Russian-speaking user uploads an empty file or a binary one, then the message and the file field say so in Russian and nothing is kept', async () => {
    await db().models.User.update({ language: 'ru' }, { where: { email: 'owner@example.test' } });
    const russian = await loggedIn(app().url, 'owner@example.test');
    const empty = await russian.post(IMPORT, fileForm(Buffer.alloc(0), 'empty.csv'));
    const binary = await russian.post(IMPORT, fileForm(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]), 'table.xlsx'));
    expect(empty.body.error).to.deep.equal({ message: ru.messages.importEmpty, fields: { file: ru.messages.importEmptyField } });
    expect(binary.body.error).to.deep.equal({ message: ru.messages.importNotCsv, fields: { file: ru.messages.importNotCsvField } });
    expect(await db().models.ClientImport.count()).to.equal(0);
  });

  it('when a 50 MB file is sent with its length declared, then 413 says the import limit before the file is read whole', async () => {
    const answer = await sendUntilAnswered(app().url, owner.sessionCookie, { declareLength: true });
    expect(answer.status).to.equal(413);
    expect(JSON.parse(answer.body).notice.message).to.equal('The file is too large: at most 20 MB can be imported at once. Split it into smaller files.');
    expect(answer.sentBytes).to.be.below(50 * MB);
    expect(await db().models.ClientImport.count()).to.equal(0);
  });

  it('when a 50 MB file comes chunked (no length), then 413 says the import limit once 20 MB are passed, before the rest is sent', async () => {
    const answer = await sendUntilAnswered(app().url, owner.sessionCookie, { declareLength: false });
    expect(answer.status).to.equal(413);
    expect(JSON.parse(answer.body).notice.message).to.equal('The file is too large: at most 20 MB can be imported at once. Split it into smaller files.');
    expect(answer.sentBytes).to.be.below(40 * MB);
    expect(await db().models.ClientImport.count()).to.equal(0);
  });

  it('when a client\'s comment is =HYPERLINK(...), then the export has it prefixed with \' (text, not a formula), starts with a UTF-8 BOM and holds only the owner\'s clients', async () => {
    const ownerUser = (await db().models.User.findOne({ where: { email: 'owner@example.test' } }))!;
    const otherUser = (await db().models.User.findOne({ where: { email: 'other@example.test' } }))!;
    await createClient(db(), ownerUser, { email: 'mallory@example.test', fullName: '@SUM(1+1)', comment: '=HYPERLINK("http://evil.test","click")' });
    await createClient(db(), ownerUser, { email: 'plain@example.test', fullName: 'Анна', comment: '-5 or +5' });
    await createClient(db(), otherUser, { email: 'secret@example.test' });

    const file = await download(owner, '/admin/audience/clients.csv');
    expect(file.status).to.equal(200);
    expect(file.type).to.equal('text/csv; charset=utf-8');
    expect([...file.bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const rows = parse(file.bytes, { bom: true }) as string[][];
    expect(rows[0]).to.deep.equal(['email', 'full name', 'comment', 'tags', 'created at']);
    expect(rows.slice(1).map((row) => row.slice(0, 3))).to.deep.equal([
      ['mallory@example.test', "'@SUM(1+1)", '\'=HYPERLINK("http://evil.test","click")'],
      ['plain@example.test', 'Анна', "'-5 or +5"],
    ]);
  });

  it('when the export is asked with the list\'s filters (a tag, a piece of the name), then only the matching clients come out', async () => {
    await importFile(owner, csvBytes(tenRows()));
    const byTag = parse((await download(owner, '/admin/audience/clients.csv?filters.tags=VIP')).bytes, { bom: true }) as string[][];
    expect(byTag.slice(1).map((row) => row[0])).to.deep.equal(['anna@example.test', 'zhanna@example.test', 'kira@example.test']);
    const byName = parse((await download(owner, `/admin/audience/clients.csv?filters.fullName=${encodeURIComponent('петр')}`)).bytes, { bom: true }) as string[][];
    expect(byName.slice(1).map((row) => row[0])).to.deep.equal(['anna@example.test']);
  });

  it('when the picker searches a piece of a Cyrillic name in another case, then it finds the client, shows name and e-mail, and says whether more match', async () => {
    await importFile(owner, csvBytes(tenRows()));
    const found = await owner.get(`/admin/api/client-picker?q=${encodeURIComponent('ПЕТРОВА')}`);
    expect(found.status).to.equal(200);
    expect(found.body.clients.map((c: { label: string }) => c.label)).to.deep.equal(['Анна Петрова <anna@example.test>']);
    expect(found.body.more).to.equal(false);
    const byEmail = await owner.get('/admin/api/client-picker?q=EXAMPLE.TEST');
    expect(byEmail.body.clients).to.have.length(10);
    const matching = await owner.get(`/admin/api/client-picker/matching?q=${encodeURIComponent('ова')}`);
    // Петрова, Смирнова, Попова, Козлова, Морозова
    expect({ ids: matching.body.ids, more: matching.body.more }).to.deep.equal({ ids: [1, 3, 5, 8, 10], more: false });
    expect(matching.body.labels.map((c: { label: string }) => c.label)).to.deep.equal([
      'Анна Петрова <anna@example.test>', 'Вера Смирнова <vera@example.test>', 'Дина Попова <dina@example.test>',
      'Зоя Козлова <zoya@example.test>', 'Кира Морозова <kira@example.test>',
    ]);
    await importFile(owner, csvBytes([['email'], ...Array.from({ length: 25 }, (_, i) => [`more${i}@example.test`])]));
    const page = await owner.get('/admin/api/client-picker?q=more');
    expect(page.body.clients).to.have.length(20);
    expect(page.body.more).to.equal(true);
  });

  it('when a second user uses the pickers, the export, the import result and the refused rows, then they never see the first user\'s clients, tags or import', async () => {
    const result = await importFile(owner, csvBytes([['email', 'tags'], ['anna@example.test', 'vip'], ['bad', '']]));
    expect((await other.get('/admin/api/client-picker?q=anna')).body).to.deep.equal({ clients: [], more: false });
    expect((await other.get('/admin/api/client-picker/matching?q=')).body).to.deep.equal({ ids: [], more: false, labels: [] });
    expect((await other.get('/admin/api/tag-picker?q=vip')).body).to.deep.equal({ tags: [] });
    const exported = parse((await download(other, '/admin/audience/clients.csv')).bytes, { bom: true }) as string[][];
    expect(exported).to.have.length(1); // the header only
    const refused = await download(other, `/admin/audience/imports/${result.id}/refused.csv`);
    expect(refused.status).to.equal(404);
    const shown = await other.get(`${IMPORT}?importId=${result.id}`);
    expect(shown.status).to.equal(200);
    expect(shown.body.error.message).to.equal(`Import #${result.id} was not found.`);
    expect(shown.body.result).to.equal(undefined);
  });

  it('when a second user confirms the first user\'s pending import, then it is "not found" and no client is written for anyone', async () => {
    const preview = await owner.post(IMPORT, fileForm(csvBytes(tenRows())));
    const confirmed = await postJson(other, IMPORT, { step: 'confirm', importId: preview.body.preview.id, mapping: preview.body.preview.mapping, onDuplicate: 'update' });
    expect(confirmed.status).to.equal(200);
    expect(confirmed.body.error.message).to.equal(`Import #${preview.body.preview.id} was not found.`);
    expect(await db().models.Client.count()).to.equal(0);
  });

  it('when a client is saved from the form with tags "vip, Москва", then the tags are the owner\'s and the list filters by one of them', async () => {
    const created = await owner.post('/admin/api/resources/clients/actions/new', { email: 'tagged@example.test', fullName: 'Tagged', tags: 'vip, Москва, VIP' });
    expect(created.status).to.equal(200);
    expect(created.body.record.params.tags).to.equal('vip, Москва');
    await owner.post('/admin/api/resources/clients/actions/new', { email: 'untagged@example.test' });
    const list = await owner.get(`/admin/api/resources/clients/actions/list?filters.tags=${encodeURIComponent('москва')}`);
    expect(list.body.records.map((r: { params: { email: string } }) => r.params.email)).to.deep.equal(['tagged@example.test']);
    const ownerUser = (await db().models.User.findOne({ where: { email: 'owner@example.test' } }))!;
    expect((await db().models.Tag.findAll({ order: [['name', 'ASC']] })).map((t) => [t.ownerId, t.name])).to.deep.equal([[ownerUser.id, 'vip'], [ownerUser.id, 'Москва']]);
  });
});
