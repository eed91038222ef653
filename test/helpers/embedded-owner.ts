// A child process that owns an embedded PostgreSQL, writes a marker row and waits to be killed (crash tests).
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

const [dataDir, port] = process.argv.slice(2);
const running = await startEmbeddedPostgres({ dataDir: dataDir!, port: Number(port), database: 'crashy' });
const client = new pg.Client({ connectionString: running.url });
await client.connect();
await client.query('CREATE TABLE IF NOT EXISTS marker (note text)');
await client.query(`INSERT INTO marker VALUES ('written before the crash')`);
await client.end();
process.stdout.write('READY\n');
setInterval(() => undefined, 60_000);
