// The seeders' logic lives in the compiled TypeScript (dist/): one source for `npm start` and sequelize-cli.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../../dist/src/db/seeds/demo-seeds.js', import.meta.url);

export async function loadSeeds() {
  if (!fs.existsSync(fileURLToPath(built))) {
    throw new Error('The seeders need the compiled service: run `npm run build` first.');
  }
  const seeds = await import(built.href);
  const { getConfig } = await import(new URL('../../dist/src/config.js', import.meta.url).href);
  return { seeds, config: getConfig() };
}
