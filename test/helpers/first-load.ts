// The first load of a back-office page in a fresh headless Chromium context (empty cache) with a session already
// logged in: the bytes on the wire (Chrome's own count, headers included, after compression), the answers, and the
// time until the page is usable. Used by the first-load test and by bench/admin.ts.
import type { Browser } from 'playwright-core';
import { offlineExceptFor } from './browser.js';

export interface LoadedResponse {
  url: string;
  status: number;
  encoding: string | undefined;
  cacheControl: string | undefined;
  bytes: number;
}

export interface FirstLoad {
  /** Bytes received for every request of the page, headers included, as Chrome counts them (Network.loadingFinished). */
  bytes: number;
  /** From navigation start until `readySelector` is visible (the page answers clicks). */
  interactiveMs: number;
  responses: LoadedResponse[];
}

export interface FirstLoadOptions {
  /** The session cookie "mailing.sid=…" of a logged-in client. */
  sessionCookie: string;
  /** Shown once the page is usable. */
  readySelector: string;
  /** Throttle the connection to this many bits per second (both ways; CDP Network.emulateNetworkConditions). */
  throughputBitsPerSecond?: number;
  latencyMs?: number;
  locale?: string;
}

export async function measureFirstLoad(browser: Browser, url: string, options: FirstLoadOptions): Promise<FirstLoad> {
  const origin = new URL(url).origin;
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: { width: 1280, height: 800 } });
  try {
    await offlineExceptFor(context, origin);
    const [name, ...value] = options.sessionCookie.split('=');
    await context.addCookies([{ name: name!, value: value.join('='), url: origin }]);
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    if (options.throughputBitsPerSecond !== undefined) {
      const bytesPerSecond = options.throughputBitsPerSecond / 8;
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: options.latencyMs ?? 0,
        downloadThroughput: bytesPerSecond,
        uploadThroughput: bytesPerSecond,
      });
    }
    const pending = new Map<string, Omit<LoadedResponse, 'bytes'>>();
    const responses: LoadedResponse[] = [];
    let bytes = 0;
    cdp.on('Network.responseReceived', (event) => {
      const headers = Object.fromEntries(Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      pending.set(event.requestId, { url: event.response.url, status: event.response.status, encoding: headers['content-encoding'], cacheControl: headers['cache-control'] });
    });
    cdp.on('Network.loadingFinished', (event) => {
      bytes += event.encodedDataLength;
      const response = pending.get(event.requestId);
      if (response) responses.push({ ...response, bytes: event.encodedDataLength });
    });
    const started = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator(options.readySelector).first().waitFor({ state: 'visible' });
    const interactiveMs = Date.now() - started;
    await page.waitForLoadState('load');
    return { bytes, interactiveMs, responses };
  } finally {
    await context.close();
  }
}
