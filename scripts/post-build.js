// tsc mirrors the source tree (dist/src/...); the documented entry points are dist/cli.js and dist/server.js.
// Then the back office's browser scripts are pre-bundled for production (scripts/bundle-admin.js).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

for (const entry of ['cli', 'server']) {
  fs.writeFileSync(new URL(`../dist/${entry}.js`, import.meta.url), `// Entry point: see src/${entry}.ts\nimport './src/${entry}.js';\n`);
}

// its own process: AdminJS reads NODE_ENV once, when it is first imported
const bundling = spawnSync(process.execPath, [fileURLToPath(new URL('./bundle-admin.js', import.meta.url))], {
  env: { ...process.env, NODE_ENV: 'production' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (bundling.status !== 0) {
  console.error('post-build: bundling the back office scripts failed (scripts/bundle-admin.js)');
  process.exit(bundling.status ?? 1);
}
