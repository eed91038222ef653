// Benchmark of the back office's first load and of its clients list API. `npm run bench:admin`
//
// Two apps on the same database, in this process:
//   - production: the scripts `npm run build` pre-bundled (dist/admin-assets, minified, hashed names), compression on;
//   - baseline: AdminJS's development bundles (what the service sent before issue 13), compression off.
// First load: /admin with a logged-in session in a fresh headless Chromium context (empty cache), bytes as Chrome
// counts them and the time until the dashboard shows; unthrottled and throttled to 20 Mbit/s (CDP
// Network.emulateNetworkConditions, 20 ms latency). Rounds interleaved, medians kept.
// Clients list API: GET /admin/api/resources/clients/actions/list over 10,000 clients of one user, median and p95.
process.env.NODE_ENV ??= 'test'; // AdminJS's development bundles; the bundle folder per process (admin/bundle-dir.ts)

const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 3);
const API_REQUESTS = Number(process.argv.find((a) => a.startsWith('--requests='))?.split('=')[1] ?? 100);
const CLIENTS = 10_000;
const THROTTLE_BITS = 20_000_000;
const LATENCY_MS = 20;

const { openDatabase } = await import('../src/db/database.js');
const { createScratchDatabase } = await import('../test/helpers/database.js');
const { stopSharedServices } = await import('../test/helpers/shared-services.js');
const { startTestApp } = await import('../test/helpers/app.js');
const { loggedIn } = await import('../test/helpers/admin-client.js');
const { createUser } = await import('../test/helpers/factories.js');
const { launchBrowser } = await import('../test/helpers/browser.js');
const { measureFirstLoad } = await import('../test/helpers/first-load.js');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);

const url = await createScratchDatabase('bench_admin');
const db = await openDatabase({ databaseUrl: url, embeddedPostgresPort: 0, dataDir: '/tmp' });
const production = await startTestApp({ db, app: { admin: { prebuiltAssets: true } } });
const baseline = await startTestApp({ db, app: { admin: { prebuiltAssets: false, compression: false } } });
const browser = await launchBrowser();
try {
  const user = await createUser(db, { email: 'bench-admin@example.test', fullName: 'Bench Admin' });
  await db.sequelize.query(
    `INSERT INTO clients (owner_id, email, full_name, comment) SELECT $1::int, 'c' || i || '@example.test', 'Client ' || i, '' FROM generate_series(1, $2) AS i`,
    { bind: [user.id, CLIENTS] },
  );
  const apps = { production, baseline };
  const sessions = {
    production: (await loggedIn(production.url, user.email)).sessionCookie,
    baseline: (await loggedIn(baseline.url, user.email)).sessionCookie,
  };
  const load = (which: keyof typeof apps, throttled: boolean) =>
    measureFirstLoad(browser, `${apps[which].url}/admin`, {
      sessionCookie: sessions[which],
      readySelector: '[data-testid="dashboard"]',
      ...(throttled ? { throughputBitsPerSecond: THROTTLE_BITS, latencyMs: LATENCY_MS } : {}),
    });
  // warm-up: the baseline bundles the components on its first request; both apps compile their first queries
  await load('baseline', false);
  await load('production', false);

  type Key = 'production' | 'baseline';
  const results: Record<string, { bytes: number[]; ms: number[] }> = {};
  for (let round = 1; round <= ROUNDS; round++) {
    for (const throttled of [false, true]) {
      for (const which of ['production', 'baseline'] as Key[]) {
        const name = `${which}${throttled ? ', 20 Mbit/s' : ''}`;
        const measured = await load(which, throttled);
        (results[name] ??= { bytes: [], ms: [] }).bytes.push(measured.bytes);
        results[name].ms.push(measured.interactiveMs);
        console.log(`round ${round}: ${name}: ${mb(measured.bytes)} MB, dashboard after ${measured.interactiveMs} ms`);
      }
    }
  }

  const api: Record<Key, number[]> = { production: [], baseline: [] };
  for (let i = 0; i < API_REQUESTS; i++) {
    for (const which of ['production', 'baseline'] as Key[]) {
      const page = 1 + (i % 50);
      const started = process.hrtime.bigint();
      const response = await fetch(`${apps[which].url}/admin/api/resources/clients/actions/list?page=${page}`, {
        headers: { cookie: sessions[which], 'accept-encoding': 'gzip, br' },
      });
      const body = (await response.json()) as { meta?: { total: number } };
      api[which].push(Number(process.hrtime.bigint() - started) / 1e6);
      if (body.meta?.total !== CLIENTS) throw new Error(`the list did not count ${CLIENTS} clients: ${JSON.stringify(body.meta)}`);
    }
  }

  console.log(`\nFirst load of /admin (${ROUNDS} rounds, medians; 20 Mbit/s = CDP throttling, ${LATENCY_MS} ms latency)`);
  console.log('| variant | MB transferred | dashboard shown after |');
  console.log('|---|---:|---:|');
  for (const [name, r] of Object.entries(results)) console.log(`| ${name} | ${mb(median(r.bytes))} | ${median(r.ms)} ms |`);
  for (const suffix of ['', ', 20 Mbit/s']) {
    const p = results[`production${suffix}`]!;
    const b = results[`baseline${suffix}`]!;
    console.log(
      `production / baseline${suffix || ', unthrottled'}: bytes ${(median(p.bytes) / median(b.bytes)).toFixed(3)}, time ${(median(p.ms) / median(b.ms)).toFixed(2)}`,
    );
  }
  console.log(`\nClients list API, ${CLIENTS} clients, ${API_REQUESTS} requests each (pages 1-50), interleaved`);
  for (const which of ['production', 'baseline'] as Key[]) {
    console.log(`${which}: median ${median(api[which]).toFixed(1)} ms, p95 ${p95(api[which]).toFixed(1)} ms`);
  }
  console.log(`production / baseline median: ${(median(api.production) / median(api.baseline)).toFixed(2)}`);
  const throttled = results['production, 20 Mbit/s']!;
  console.log(`\ngoal: <= 3 MB and <= 3000 ms at 20 Mbit/s: ${median(throttled.bytes) <= 3 * 1024 * 1024 && median(throttled.ms) <= 3000 ? 'met' : 'NOT met'}`);
} finally {
  await browser.close();
  await production.stop();
  await baseline.stop();
  await db.close();
  await stopSharedServices();
}
