// CSV import of clients (domain functions, real PostgreSQL): encodings, separators, quoting, duplicates, refused
// rows with their line numbers, empty and binary files, and who may touch an import.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { loadActor, type Actor } from '../../src/access/policy.js';
import { NotFoundError, ValidationError } from '../../src/errors.js';
import { clientImports, type ClientImports } from '../../src/audience/import/import-service.js';
import type { User } from '../../src/models/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createUser } from '../helpers/factories.js';
import { csvBytes, folder, tenRows, writeUpload, type CsvFileOptions } from './csv-fixtures.js';

describe('importing clients from a CSV file', function () {
  const db = useTestDatabase();
  let imports: ClientImports;
  let owner: User;
  let actor: Actor;

  beforeEach(async () => {
    imports = clientImports(db(), { folder: path.join(folder, 'imports'), maxBytes: 20 * 1024 * 1024 });
    owner = await createUser(db());
    actor = (await loadActor(db().models, owner.id))!;
  });

  async function clientsOf(user: User): Promise<Array<{ email: string; full_name: string; comment: string; tags: string }>> {
    return db().sequelize.query(
      `SELECT c.email, c.full_name, c.comment,
              coalesce((SELECT string_agg(t.name, ',' ORDER BY lower(t.name)) FROM client_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.client_id = c.id), '') AS tags
       FROM clients c WHERE c.owner_id = $1 ORDER BY lower(c.email)`,
      { bind: [user.id], type: QueryTypes.SELECT },
    );
  }

  async function errorOf(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    return expect.fail('expected an error');
  }

  const variants: Array<{ what: string; options: CsvFileOptions; encoding: string; delimiter: string }> = [
    { what: 'UTF-8 without BOM, commas', options: { encoding: 'utf-8', delimiter: ',' }, encoding: 'utf-8', delimiter: ',' },
    { what: 'UTF-8 with BOM, semicolons', options: { encoding: 'utf-8', bom: true, delimiter: ';' }, encoding: 'utf-8', delimiter: ';' },
    { what: 'UTF-8 with BOM, commas, LF line ends', options: { encoding: 'utf-8', bom: true, delimiter: ',', lineEnd: '\n' }, encoding: 'utf-8', delimiter: ',' },
    { what: 'Windows-1251, semicolons (Russian Excel)', options: { encoding: 'windows-1251', delimiter: ';' }, encoding: 'windows-1251', delimiter: ';' },
    { what: 'Windows-1251, commas', options: { encoding: 'windows-1251', delimiter: ',' }, encoding: 'windows-1251', delimiter: ',' },
  ];
  for (const variant of variants) {
    it(`when a 10-row file is ${variant.what}, then the preview detects it and all 10 clients are added with their Cyrillic names, quoted commas and line breaks, and tags`, async () => {
      const preview = await imports.upload(actor, writeUpload(csvBytes(tenRows(), variant.options)));
      expect(preview.encoding).to.equal(variant.encoding);
      expect(preview.delimiter).to.equal(variant.delimiter);
      expect(preview.header).to.deep.equal(['E-mail', 'ФИО', 'Комментарий', 'Теги']);
      expect(preview.rowCount).to.equal(10);
      expect(preview.rows).to.have.length(5);
      expect(preview.mapping).to.deep.equal({ email: 0, fullName: 1, comment: 2, tags: 3 });
      expect(await clientsOf(owner)).to.deep.equal([]); // nothing written by the preview

      const result = await imports.confirm(actor, preview.id, { mapping: preview.mapping, onDuplicate: 'update' });
      expect({ state: result.state, added: result.added, updated: result.updated, skipped: result.skipped, refused: result.refused })
        .to.deep.equal({ state: 'done', added: 10, updated: 0, skipped: 0, refused: 0 });
      const clients = await clientsOf(owner);
      expect(clients.map((c) => c.email)).to.deep.equal(tenRows().slice(1).map((row) => row[0]).sort());
      const byEmail = new Map(clients.map((c) => [c.email, c]));
      expect(byEmail.get('anna@example.test')).to.deep.equal({ email: 'anna@example.test', full_name: 'Анна Петрова', comment: 'постоянный клиент', tags: 'vip,Москва' });
      expect(byEmail.get('boris@example.test')!.comment).to.equal('звонить после 18:00, не раньше');
      expect(byEmail.get('vera@example.test')!.comment).to.equal('первая строка\nвторая строка');
      expect(byEmail.get('zhanna@example.test')!.comment).to.equal('"quoted" words');
      expect(byEmail.get('kira@example.test')!.tags).to.equal('new,vip');
    });
  }

  const withDuplicates = (): string[][] => [
    ['email', 'name', 'comment'],
    ['new1@example.test', 'New One', 'first'],
    ['OLD@example.test', 'Old Renamed', ''],
    ['new1@example.test', 'New One Again', 'second'],
    ['new2@example.test', '', ''],
    ['not-an-address', 'Bad', ''],
    ['NEW2@EXAMPLE.TEST', 'Second Spelling', ''],
  ];

  it('when the file repeats addresses and names an existing client and the choice is "update", then lines merge, the existing client is updated and the counts are exact', async () => {
    await createClient(db(), owner, { email: 'old@example.test', fullName: 'Old Name', comment: 'kept' });
    const preview = await imports.upload(actor, writeUpload(csvBytes(withDuplicates())));
    const result = await imports.confirm(actor, preview.id, { mapping: preview.mapping, onDuplicate: 'update' });
    expect({ added: result.added, updated: result.updated, skipped: result.skipped, refused: result.refused }).to.deep.equal({ added: 2, updated: 3, skipped: 0, refused: 1 });
    expect(await clientsOf(owner)).to.deep.equal([
      { email: 'new1@example.test', full_name: 'New One Again', comment: 'second', tags: '' },
      { email: 'new2@example.test', full_name: 'Second Spelling', comment: '', tags: '' },
      { email: 'old@example.test', full_name: 'Old Renamed', comment: 'kept', tags: '' },
    ]);
  });

  it('when the file names an existing client with the same name and new tags and the choice is "update", then the client gains the tags and counts as updated', async () => {
    await createClient(db(), owner, { email: 'same@example.test', fullName: 'Same Name', comment: 'kept' });
    const preview = await imports.upload(actor, writeUpload(csvBytes([['email', 'name', 'tags'], ['SAME@example.test', 'Same Name', 'vip; new']])));
    const result = await imports.confirm(actor, preview.id, { mapping: preview.mapping, onDuplicate: 'update' });
    expect({ added: result.added, updated: result.updated }).to.deep.equal({ added: 0, updated: 1 });
    expect(await clientsOf(owner)).to.deep.equal([{ email: 'same@example.test', full_name: 'Same Name', comment: 'kept', tags: 'new,vip' }]);
  });

  it('when the file repeats addresses and names an existing client and the choice is "skip", then the first line of each new address is added and the rest skipped, exactly counted', async () => {
    await createClient(db(), owner, { email: 'old@example.test', fullName: 'Old Name', comment: 'kept' });
    const preview = await imports.upload(actor, writeUpload(csvBytes(withDuplicates())));
    const result = await imports.confirm(actor, preview.id, { mapping: preview.mapping, onDuplicate: 'skip' });
    expect({ added: result.added, updated: result.updated, skipped: result.skipped, refused: result.refused }).to.deep.equal({ added: 2, updated: 0, skipped: 3, refused: 1 });
    expect(await clientsOf(owner)).to.deep.equal([
      { email: 'new1@example.test', full_name: 'New One', comment: 'first', tags: '' },
      { email: 'new2@example.test', full_name: '', comment: '', tags: '' },
      { email: 'old@example.test', full_name: 'Old Name', comment: 'kept', tags: '' },
    ]);
  });

  it('when rows have invalid or missing e-mails, then each is refused with the line it starts on and its reason, and the valid rows are added', async () => {
    const rows = [
      ['email', 'name', 'comment'],
      ['ok1@example.test', 'One', 'two\nlines'], // lines 2-3
      ['no-at-sign.example.test', 'Two', ''], // line 4
      ['', 'No Address', 'x'], // line 5
      ['ok2@example.test', 'Three', ''], // line 6
      ['bad@', 'Four', ''], // line 7
      ['ok3@example.test', 'X'.repeat(201), ''], // line 8
    ];
    const preview = await imports.upload(actor, writeUpload(csvBytes(rows)));
    const result = await imports.confirm(actor, preview.id, { mapping: preview.mapping, onDuplicate: 'skip' });
    expect({ added: result.added, refused: result.refused }).to.deep.equal({ added: 2, refused: 4 });
    expect(result.refusals).to.deep.equal([
      { line: 4, email: 'no-at-sign.example.test', reason: 'Enter a valid e-mail address' },
      { line: 5, email: '', reason: 'No e-mail address' },
      { line: 7, email: 'bad@', reason: 'Enter a valid e-mail address' },
      { line: 8, email: 'ok3@example.test', reason: 'The name is at most 200 characters' },
    ]);
    const pages = [];
    for await (const page of imports.refusals(actor, preview.id)) pages.push(...page);
    expect(pages).to.deep.equal(result.refusals);
  });

  it('when the file is empty (0 bytes, a BOM only, or blank lines), then the upload is refused as empty and nothing is kept', async () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\r\n\r\n  \n')]) {
      const error = await errorOf(imports.upload(actor, writeUpload(bytes)));
      expect(error).to.be.instanceOf(ValidationError);
      expect(error.message).to.equal('The file is empty: there is nothing to import.');
    }
    expect(await db().models.ClientImport.count()).to.equal(0);
  });

  it('when the file has a header but no rows, then the upload is refused saying so', async () => {
    const error = await errorOf(imports.upload(actor, writeUpload(csvBytes([['email', 'name']]))));
    expect(error.message).to.equal('The file has a header row but no clients under it.');
  });

  it('when the file is binary (a PNG), then the upload is refused as not a CSV text file', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR'), Buffer.alloc(64, 7)]);
    const error = await errorOf(imports.upload(actor, writeUpload(png, 'photo.csv')));
    expect(error).to.be.instanceOf(ValidationError);
    expect(error.message).to.match(/^This file is not a CSV text file/);
  });

  it('when a quote is never closed, then the upload is refused naming the line', async () => {
    const error = await errorOf(imports.upload(actor, writeUpload(Buffer.from('email,name\r\na@example.test,"Ann\r\nb@example.test,Bob\r\n'))));
    expect(error).to.be.instanceOf(ValidationError);
    expect(error.message).to.match(/^The file cannot be read as CSV near line \d+/);
  });

  it('when the mapping leaves out the e-mail column, then the confirmation is refused and nothing is written', async () => {
    const preview = await imports.upload(actor, writeUpload(csvBytes(tenRows())));
    const error = await errorOf(imports.confirm(actor, preview.id, { mapping: { fullName: 1 }, onDuplicate: 'skip' }));
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).fields).to.deep.equal({ email: 'Choose the e-mail column' });
    expect(await clientsOf(owner)).to.deep.equal([]);
  });

  it('when a second user names the first user\'s import, then confirming it, reading its result and its refused rows are "not found" and nothing is written', async () => {
    const other = await createUser(db());
    const otherActor = (await loadActor(db().models, other.id))!;
    const preview = await imports.upload(actor, writeUpload(csvBytes(tenRows())));
    expect(await errorOf(imports.confirm(otherActor, preview.id, { mapping: preview.mapping, onDuplicate: 'update' }))).to.be.instanceOf(NotFoundError);
    expect(await errorOf(imports.result(otherActor, preview.id))).to.be.instanceOf(NotFoundError);
    expect(await errorOf(imports.refusals(otherActor, preview.id).next())).to.be.instanceOf(NotFoundError);
    expect(await clientsOf(other)).to.deep.equal([]);
    expect(await clientsOf(owner)).to.deep.equal([]);
  });

  it('when an import is confirmed twice, then the second answer is the first result and nothing is imported again', async () => {
    const preview = await imports.upload(actor, writeUpload(csvBytes(tenRows())));
    const first = await imports.confirm(actor, preview.id, { mapping: preview.mapping, onDuplicate: 'update' });
    const second = await imports.confirm(actor, preview.id, { mapping: preview.mapping, onDuplicate: 'update' });
    expect(second).to.deep.equal(first);
    expect(await clientsOf(owner)).to.have.length(10);
    expect(fs.existsSync((await db().models.ClientImport.findByPk(preview.id))!.filePath)).to.equal(false);
  });
});
