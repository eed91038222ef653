// AdminJS reads ADMIN_JS_TMP_DIR (where it bundles our components) once, when it is first imported; admin/index.ts
// imports this module first so the folder is ours: under DATA_DIR, or a per-process temporary folder under tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getConfig } from '../src/config.js';

function bundleDir(): string {
  try {
    const config = getConfig();
    // test runs of several people share the tree: each process bundles into its own folder
    return config.isTest ? path.join(os.tmpdir(), `mailing-adminjs-${process.pid}`) : path.join(config.dataDir, 'adminjs-bundle');
  } catch {
    return path.join(os.tmpdir(), `mailing-adminjs-${process.pid}`); // the boot file reports the bad setting
  }
}

export const ADMIN_BUNDLE_DIR = bundleDir();
process.env.ADMIN_JS_TMP_DIR = ADMIN_BUNDLE_DIR;

// a per-process folder is of no use to anyone once the process ends
if (ADMIN_BUNDLE_DIR.includes(`mailing-adminjs-${process.pid}`)) {
  process.once('exit', () => fs.rmSync(ADMIN_BUNDLE_DIR, { recursive: true, force: true }));
}
