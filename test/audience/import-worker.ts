// A process that confirms one pending import, for the test that kills it halfway (SIGKILL).
// Usage: node --import tsx test/audience/import-worker.ts <importId> <ownerId> <folder>  (DATABASE_URL in the environment)
import os from 'node:os';
import { loadActor } from '../../src/access/policy.js';
import { clientImports } from '../../src/audience/import/import-service.js';
import { openDatabase } from '../../src/db/database.js';

const [importId, ownerId, folder] = process.argv.slice(2);
const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, embeddedPostgresPort: 0, dataDir: os.tmpdir() }, { migrate: false });
const actor = (await loadActor(db.models, Number(ownerId)))!;
const imports = clientImports(db, { folder: folder!, maxBytes: 100 * 1024 * 1024 });
console.log('confirming');
const result = await imports.confirm(actor, Number(importId), { mapping: { email: 0, fullName: 1 }, onDuplicate: 'update' });
console.log(`done ${JSON.stringify(result)}`);
await db.close();
