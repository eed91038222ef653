// Preloaded with `node --import` by test/boot/light-cli.test.ts: writes every module the process loads, one URL or
// path a line, to the file named by RECORD_MODULES_TO — ES modules as they are resolved (a loader hook), CommonJS
// ones from require's cache when the process exits.
import fs from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.RECORD_MODULES_TO;
if (file) {
  register(new URL('./module-recorder-hooks.mjs', import.meta.url), { data: { file } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => fs.appendFileSync(file, Object.keys(require.cache).map((p) => `${p}\n`).join('')));
}
