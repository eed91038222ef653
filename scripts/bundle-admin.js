// Pre-bundles the back office's browser scripts at build time (run by scripts/post-build.js, with NODE_ENV=production
// so AdminJS minifies): our React components and those the features register (@adminjs/upload), plus AdminJS's own
// production bundles, copied under content-hashed names into dist/admin-assets/ with a manifest.json. The running
// service serves that folder with year-long immutable cache headers (admin/prebuilt-assets.ts), so a browser
// downloads each script once per version and the service never bundles at start.
//
// @adminjs/bundler does the bundling (the tool AdminJS documents for this); its own versioning names files by time,
// so the names here are our own: the first 12 hex digits of each file's SHA-256.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.env.NODE_ENV !== 'production') throw new Error('bundle-admin.js runs with NODE_ENV=production (see post-build.js)');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root); // @adminjs/bundler finds node_modules and its folders from the working directory
const destination = path.join(root, 'dist', 'admin-assets');

const { ADMIN_BUNDLE_DIR } = await import('../dist/admin/bundle-dir.js');
const { bundle } = await import('@adminjs/bundler');
const { buildAdmin } = await import('../dist/admin/index.js');
const { componentLoader } = await import('../dist/admin/components/index.js');
const { createSequelize } = await import('../dist/src/db/sequelize.js');
const { initModels } = await import('../dist/src/models/index.js');
const { loadConfig } = await import('../dist/src/config.js');

// The whole back office is built once (never connected: nothing is queried) so that every component a resource or
// feature registers is in the component loader, exactly as in the running service.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailing-bundle-'));
try {
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
  const sequelize = createSequelize('postgres://bundler@127.0.0.1:1/unused');
  const db = { url: '', sequelize, models: initModels(sequelize), embedded: undefined, close: async () => undefined };
  // no mail goes out while bundling: the resources only keep a reference to the transport for later sends
  buildAdmin({ config, db, log: undefined, mail: { transport: undefined }, mailings: undefined });

  const staging = path.join(dataDir, 'staging');
  const files = await bundle({
    componentLoader,
    destinationDir: path.relative(root, staging),
    adminJsLocalDir: path.relative(root, ADMIN_BUNDLE_DIR),
  });

  fs.rmSync(destination, { recursive: true, force: true });
  fs.mkdirSync(destination, { recursive: true });
  const coreScripts = {};
  for (const { name, destinationPath } of files) {
    const content = fs.readFileSync(destinationPath);
    const hash = crypto.createHash('sha256').update(content).digest('hex').slice(0, 12);
    const { name: base, ext } = path.parse(name);
    const hashed = `${base}.${hash}${ext}`;
    fs.writeFileSync(path.join(destination, hashed), content);
    coreScripts[name] = hashed;
  }
  const manifest = { coreScripts, components: Object.keys(componentLoader.getComponents()).sort() };
  fs.writeFileSync(path.join(destination, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await sequelize.close();
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
