// sequelize-cli's connection: the same database the service uses (DATABASE_URL, or the embedded PostgreSQL).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('./dist/src/db/cli-connection.js', import.meta.url);
if (!fs.existsSync(fileURLToPath(built))) {
  throw new Error('sequelize-cli needs the compiled service to find the database: run `npm run build` first.');
}
const { cliConnection } = await import(built.href);
const connection = await cliConnection();

export default { development: connection, test: connection, production: connection };
