// Benchmark of the home page: cached vs the same bytes from memory (the limit) vs the cache off. `npm run bench:home`
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';

const DURATION_S = Number(process.argv.find((a) => a.startsWith('--duration='))?.split('=')[1] ?? 5);
const CONNECTIONS = Number(process.argv.find((a) => a.startsWith('--connections='))?.split('=')[1] ?? 10);
// the three are measured in turn, several rounds, and the median round kept: other load on the machine evens out
const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 3);

interface Urls {
  baseline: string;
  cached: string;
  uncached: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The server side, in a child process so the load generator does not share its event loop. */
async function serve(): Promise<void> {
  const { openDatabase } = await import('../src/db/database.js');
  const { seedAll } = await import('../src/db/seeds/demo-seeds.js');
  const { loadConfig } = await import('../src/config.js');
  const { silentLogger } = await import('../src/log.js');
  const { openServices } = await import('../src/boot/services.js');
  const { mountPublicSite } = await import('../public-site/index.js');
  const { securityHeaders } = await import('../public-site/security.js');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-home-'));
  fs.chmodSync(dataDir, 0o755); // the embedded PostgreSQL may run as another account
  const db = await openDatabase({ databaseUrl: undefined, embeddedPostgresPort: await freePort(), dataDir });
  await seedAll(db.sequelize, 'bench-password-42');
  for (let i = 1; i <= 30; i++) {
    await db.models.BlogPost.create({ title: `Benchmark post ${i}`, content: 'Lorem ipsum dolor sit amet. '.repeat(40), image: '/static/blog/tips.svg', publishedAt: new Date(Date.now() - i * 3600_000) });
  }
  const config = loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:9', SESSION_SECRET: 'bench-session-secret-0123456789', APP_URL: 'http://127.0.0.1' });
  // the services as the server builds them (the mail server is never used: the home page sends no mail)
  const ctx = await openServices(config, { db, log: silentLogger });

  // The baseline: the first home page the cached app rendered, sent again from memory behind the same security
  // headers (helmet) as the site, the most a cached page can reach. Mounted here, never in the service's app.
  let snapshot = '';
  const baseline: express.RequestHandler = (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    res.type('html').send(snapshot);
  };

  const servers: http.Server[] = [];
  async function start(options: Parameters<typeof mountPublicSite>[2], withBaseline = false): Promise<string> {
    const app = express();
    app.disable('x-powered-by');
    if (withBaseline) app.get('/__bench/baseline', securityHeaders(false), baseline);
    await mountPublicSite(app, ctx, options);
    const server = http.createServer(app);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }
  const cachedBase = await start({ cache: { ttlMs: 60_000, max: 100 } }, true);
  snapshot = await (await fetch(`${cachedBase}/`)).text();
  const uncachedBase = await start({ cache: { ttlMs: 0 } });
  const urls: Urls = { baseline: `${cachedBase}/__bench/baseline`, cached: `${cachedBase}/`, uncached: `${uncachedBase}/` };
  process.send!(urls);
  process.on('message', async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await ctx.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

interface Figures {
  rps: number;
  p99: number;
  errors: number;
  bytes: number;
}

async function load(url: string, duration: number): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration, pipelining: 1 });
  const bad = result.errors + result.timeouts + result.non2xx;
  return { rps: result.requests.average, p99: result.latency.p99, errors: bad, bytes: result.throughput.average / Math.max(1, result.requests.average) };
}

async function main(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['serve'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const urls = await new Promise<Urls>((resolve, reject) => {
    child.once('message', (message) => resolve(message as Urls));
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
  });
  try {
    console.log(`home page benchmark: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per run, loopback, node ${process.version}, ${os.cpus().length} cores`);
    const names = ['baseline', 'cached', 'uncached'] as const;
    const runs: Record<keyof Urls, Figures[]> = { baseline: [], cached: [], uncached: [] };
    for (const name of names) await load(urls[name], 1); // warm up: JIT, templates, pool, cache
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) runs[name].push(await load(urls[name], DURATION_S));
    }
    const median = (list: Figures[]): Figures => list.slice().sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)]!;
    const figures = { baseline: median(runs.baseline), cached: median(runs.cached), uncached: median(runs.uncached) };
    const errors = names.reduce((sum, name) => sum + runs[name].reduce((s2, f) => s2 + f.errors, 0), 0);
    console.log(`rounds: ${ROUNDS}, median round shown; req/s per round: ${names.map((n) => `${n} ${runs[n].map((f) => f.rps.toFixed(0)).join('/')}`).join(', ')}`);
    const row = (name: string, f: Figures): string =>
      `${name.padEnd(34)} ${f.rps.toFixed(0).padStart(8)} req/s   p99 ${String(f.p99).padStart(4)} ms   ~${(f.bytes / 1024).toFixed(1)} KiB/resp   errors ${f.errors}`;
    console.log(row('baseline (same bytes from memory)', figures.baseline));
    console.log(row('home, cached', figures.cached));
    console.log(row('home, cache off', figures.uncached));
    const vsBaseline = figures.cached.rps / figures.baseline.rps;
    const vsUncached = figures.cached.rps / figures.uncached.rps;
    console.log(`cached / baseline = ${vsBaseline.toFixed(2)} (goal >= 0.5): ${vsBaseline >= 0.5 ? 'met' : 'NOT met'}`);
    console.log(`cached / uncached = ${vsUncached.toFixed(1)}x (goal >= 10x): ${vsUncached >= 10 ? 'met' : 'NOT met'}`);
    if (errors > 0) process.exitCode = 1;
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

if (process.argv[2] === 'serve') await serve();
else await main();
