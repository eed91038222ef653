// A killed import (the process applying it dies by SIGKILL halfway) leaves nothing of the file in the database, and
// the import's result says it was interrupted; importing it again then gives the whole result.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadActor } from '../../src/access/policy.js';
import { clientImports } from '../../src/audience/import/import-service.js';
import { useTestDatabase } from '../helpers/database.js';
import { createClient, createUser } from '../helpers/factories.js';
import { childEnv, startChild } from '../helpers/child-process.js';
import { until } from '../helpers/run-checks.js';
import { folder, writeUpload } from './csv-fixtures.js';

const ROWS = 60_000;

describe('a killed import', function () {
  this.timeout(300_000);
  const db = useTestDatabase();

  it('when the process applying an import is killed (SIGKILL) halfway, then no client, tag or refused row of it is saved, its result says "interrupted", and a second confirmation imports it whole', async () => {
    const owner = await createUser(db());
    const actor = (await loadActor(db().models, owner.id))!;
    await createClient(db(), owner, { email: 'row-7@example.test', fullName: 'Existing' });
    const lines = ['email,name'];
    for (let i = 1; i <= ROWS; i++) lines.push(i % 1000 === 0 ? `broken-${i},Bad` : `row-${i}@example.test,Row ${i}`);
    const settings = { folder: path.join(folder, 'killed-imports'), maxBytes: 100 * 1024 * 1024 };
    const imports = clientImports(db(), settings);
    const preview = await imports.upload(actor, writeUpload(Buffer.from(lines.join('\n'))));

    const child = startChild('test/audience/import-worker.ts', [String(preview.id), String(owner.id), settings.folder], childEnv({ DATABASE_URL: db().url }));
    try {
      await child.waitFor('confirming', 60_000);
      await until(async () => (await imports.result(actor, preview.id)).state === 'running', 60_000, 'the import to be applied');
      await new Promise((resolve) => setTimeout(resolve, 700)); // well into the rows
      expect((await imports.result(actor, preview.id)).state, child.output()).to.equal('running');
      child.process.kill('SIGKILL');
      expect(await child.exited).to.equal('SIGKILL');
    } finally {
      child.process.kill('SIGKILL');
    }

    await until(async () => (await imports.result(actor, preview.id)).state === 'interrupted', 60_000, 'the killed import to be seen as interrupted');
    const result = await imports.result(actor, preview.id);
    expect(result).to.include({ state: 'interrupted', added: 0, updated: 0, skipped: 0, refused: 0 });
    expect(result.refusals).to.deep.equal([]);
    expect(await db().models.Client.count()).to.equal(1);
    expect(await db().models.Tag.count()).to.equal(0);
    const record = (await db().models.ClientImport.findByPk(preview.id))!;
    expect(fs.existsSync(record.filePath)).to.equal(true);

    const again = await imports.confirm(actor, preview.id, {});
    expect(again).to.include({ state: 'done', added: ROWS - ROWS / 1000 - 1, updated: 1, skipped: 0, refused: ROWS / 1000 });
    expect(await db().models.Client.count()).to.equal(ROWS - ROWS / 1000);
  });
});
