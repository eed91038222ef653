// Headless Chromium for browser tests (playwright-core driving the system's /usr/bin/chromium); screenshots go to test-artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../src/paths.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.join(projectRoot, 'test-artifacts');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** True when the browser can run here (the CI script installs it: `apt-get install -y chromium`). */
export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true, timeout: 30_000 });
}

/** Saves a full-page screenshot as test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Answers every request outside the app at once with an error: the machines are offline, and the AdminJS page
 * asks for a web font on the internet, which would otherwise hold each page's load event until DNS gives up.
 */
export async function offlineExceptFor(context: BrowserContext, origin: string): Promise<void> {
  await context.route((url) => url.origin !== origin, (route) => route.abort('internetdisconnected'));
}
