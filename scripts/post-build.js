// tsc mirrors the source tree (dist/src/...); the documented entry points are dist/cli.js and dist/server.js.
import fs from 'node:fs';

for (const entry of ['cli', 'server']) {
  fs.writeFileSync(new URL(`../dist/${entry}.js`, import.meta.url), `// Entry point: see src/${entry}.ts\nimport './src/${entry}.js';\n`);
}
