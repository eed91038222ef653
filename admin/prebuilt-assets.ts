// The back office's browser scripts as `npm run build` pre-bundles them (scripts/bundle-admin.js): AdminJS's
// production bundles and our components, under content-hashed names in dist/admin-assets/. Served with year-long
// immutable cache headers (a new version has new names), compressed by the back office's compression middleware.
// Production always uses them; development bundles the components itself on the first request (AdminJS's way).
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import type { ComponentLoader } from 'adminjs';

type CoreScripts = Record<'app.bundle.js' | 'components.bundle.js' | 'design-system.bundle.js' | 'global.bundle.js', string>;
import { projectRoot } from '../src/paths.js';

export const PREBUILT_ASSETS_DIR = path.join(projectRoot, 'dist', 'admin-assets');
/** Where the pre-built scripts are served, under the back office's root. */
export const ASSETS_PATH = '/assets';

export interface PrebuiltAssets {
  /** AdminJS's core script names ("app.bundle.js") to their hashed file names. */
  coreScripts: CoreScripts;
  /** The names of the components bundled. */
  components: string[];
}

export class MissingPrebuiltAssetsError extends Error {}

const COMPONENTS_DIR = path.join(projectRoot, 'admin', 'components');

/**
 * Reads the manifest of the pre-built scripts; says what to do when they are missing. `checkFresh` (outside
 * production, where `npm start` builds first anyway): a component source changed since the build is refused too.
 */
export function readPrebuiltAssets(options: { dir?: string; checkFresh?: boolean } = {}): PrebuiltAssets {
  const dir = options.dir ?? PREBUILT_ASSETS_DIR;
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) {
    throw new MissingPrebuiltAssetsError(`the back office's pre-built scripts are missing (${file}): run \`npm run build\``);
  }
  if (options.checkFresh) {
    const built = fs.statSync(file).mtimeMs;
    const newer = fs.readdirSync(COMPONENTS_DIR).find((name) => fs.statSync(path.join(COMPONENTS_DIR, name)).mtimeMs > built);
    if (newer) throw new MissingPrebuiltAssetsError(`admin/components/${newer} changed after the back office's scripts were built: run \`npm run build\``);
  }
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as PrebuiltAssets;
  for (const hashed of Object.values(manifest.coreScripts)) {
    if (!fs.existsSync(path.join(dir, hashed))) throw new MissingPrebuiltAssetsError(`${path.join(dir, hashed)} is missing: run \`npm run build\``);
  }
  return manifest;
}

/** Once the back office is built: every component it registered is in the pre-built bundle (else it is older). */
export function checkBundledComponents(assets: PrebuiltAssets, componentLoader: ComponentLoader): void {
  const missing = Object.keys(componentLoader.getComponents()).filter((name) => !assets.components.includes(name));
  if (missing.length > 0) {
    throw new MissingPrebuiltAssetsError(`the back office's pre-built scripts lack the components ${missing.join(', ')}: run \`npm run build\``);
  }
}

/** Serves the hashed scripts; anything else under the folder (the manifest) is not served. */
export function servePrebuiltAssets(assets: PrebuiltAssets, dir = PREBUILT_ASSETS_DIR): RequestHandler {
  const names = new Set(Object.values(assets.coreScripts));
  const files = express.static(dir, { immutable: true, maxAge: '365d', index: false, fallthrough: false });
  return (req, res, next) => {
    if (!names.has(req.path.slice(1))) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    files(req, res, next);
  };
}

/**
 * AdminJS in production also answers /frontend/assets/components.bundle.js from its own bundle folder (which it
 * fills only when it bundles at start): the pre-built file is put there, so that address keeps working too.
 */
export function placeComponentsBundle(assets: PrebuiltAssets, bundleDir: string, dir = PREBUILT_ASSETS_DIR): void {
  fs.mkdirSync(bundleDir, { recursive: true });
  fs.copyFileSync(path.join(dir, assets.coreScripts['components.bundle.js']), path.join(bundleDir, 'bundle.js'));
}
