import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/paths.js';
import { freePort } from './helpers/database.js';
import { getFrom, nonLoopbackAddress } from './helpers/local-addresses.js';
import { runSequelizeCli } from './helpers/sequelize-cli.js';
import { sharedSmtpTestServer } from './helpers/smtp-test-server.js';

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the built service (`node dist/server.js`, what `npm start` runs) and waits for its "ready" line. */
async function startService(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist', 'server.js')], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  // the "ready" line: a human one (on a terminal) or a JSON one (piped, as here)
  while (!/(\] |"msg":")ready in /.test(output)) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service was not ready within 120 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, exited };
}

describe('starting the service on embedded defaults', () => {
  let dataDir: string;
  let env: Record<string, string>;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailing-start-'));
    fs.chmodSync(dataDir, 0o755);
    env = {
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      MAIL_CATCHER_PORT: String(await freePort()),
      DATABASE_URL: '',
      SMTP_URL: '',
      MONGODB_URL: '',
    };
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when started twice, then it migrates, seeds once, serves on 127.0.0.1 only (HOST opens it), lets sequelize-cli in, and stops cleanly on SIGINT', async function () {
    this.timeout(300_000);
    const first = await startService(env);
    try {
      expect(first.output()).to.contain('demo data created');
      expect(first.output()).to.contain('admin@example.com');
      // loopback only by default: not even another loopback address, let alone the machine's network address
      expect(first.output()).to.contain(`listening on http://127.0.0.1:${env.PORT}`);
      for (const address of ['127.0.0.2', nonLoopbackAddress()].filter((a) => a !== undefined)) {
        const refused = await getFrom(`http://${address}:${env.PORT}/healthz`).then(() => 'answered', (error: NodeJS.ErrnoException) => error.code);
        expect(refused, address).to.equal('ECONNREFUSED');
      }
      expect((await fetch(`http://127.0.0.1:${env.PORT}/dev/mailbox`)).status, 'the dev mailbox, from this machine').to.equal(200);
      const health = await fetch(`http://127.0.0.1:${env.PORT}/healthz`);
      expect(health.status).to.equal(200);
      const report = (await health.json()) as { status: string; database: { status: string }; jobStore: { status: string }; mail: { status: string } };
      expect(report.status).to.equal('ok');
      expect([report.database.status, report.jobStore.status, report.mail.status]).to.deep.equal(['ok', 'ok', 'ok']);

      const seed = await runSequelizeCli(['db:seed:all'], env);
      expect(seed.code, seed.output).to.equal(0);

      // the operator's command line beside the running service shares its database instead of stopping it
      const cli = spawn(process.execPath, [path.join(projectRoot, 'dist', 'cli.js'), 'send'], { cwd: projectRoot, env: { ...process.env, ...env } });
      let cliOutput = '';
      cli.stdout.on('data', (chunk: Buffer) => (cliOutput += chunk.toString()));
      cli.stderr.on('data', (chunk: Buffer) => (cliOutput += chunk.toString()));
      const cliCode = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
      expect(cliCode, cliOutput).to.equal(0);
      expect(cliOutput).to.contain('using the server another process runs');
      expect(cliOutput).to.match(/Summary: \d+ run\(s\) made/);
      expect((await fetch(`http://127.0.0.1:${env.PORT}/healthz`)).status, 'the service still has its database').to.equal(200);
    } finally {
      first.child.kill('SIGINT');
    }
    expect(await first.exited).to.equal(0);
    expect(first.output()).to.contain('stopped cleanly');
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')), 'the database stopped with it').to.equal(false);

    const second = await startService({ ...env, HOST: '0.0.0.0' });
    try {
      expect(second.output(), 'the data was kept: nothing to seed').to.not.contain('demo data created');
      const home = await fetch(`http://127.0.0.1:${env.PORT}/`);
      expect(home.status).to.equal(200);
      expect(second.output()).to.contain(`listening on http://0.0.0.0:${env.PORT} (every interface`);
      const other = nonLoopbackAddress();
      if (other) {
        // opened to the network: a visitor elsewhere gets the pages, but not the mailbox nor the health details
        const from = { localAddress: other };
        expect((await getFrom(`http://${other}:${env.PORT}/`, from)).status).to.equal(200);
        expect((await getFrom(`http://${other}:${env.PORT}/dev/mailbox`, from)).status).to.equal(403);
        expect(JSON.parse((await getFrom(`http://${other}:${env.PORT}/healthz`, from)).text)).to.deep.equal({ status: 'up' });
      }
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).to.equal(0);
  });

  it('when started in production, then the back office serves its pre-built component bundle and no mail catcher runs', async function () {
    this.timeout(300_000);
    const smtp = await sharedSmtpTestServer();
    const production = await startService({
      ...env,
      DATA_DIR: path.join(dataDir, 'production'),
      NODE_ENV: 'production',
      SMTP_URL: smtp.url,
      SESSION_SECRET: 'production-secret-0123456789',
      SEED_PASSWORD: 'production-demo-password',
    });
    try {
      const base = `http://127.0.0.1:${env.PORT}`;
      for (const bundle of ['app', 'components']) {
        const response = await fetch(`${base}/admin/frontend/assets/${bundle}.bundle.js`);
        expect(response.status, bundle).to.equal(200);
        expect((await response.text()).length, bundle).to.be.greaterThan(1000);
      }
      expect((await fetch(`${base}/dev/mailbox`)).status, 'no mailbox in production').to.equal(404);
      expect(production.output()).to.not.contain('local catcher');
    } finally {
      production.child.kill('SIGTERM');
    }
    expect(await production.exited).to.equal(0);
  });

  it('when a setting is invalid, then it stops at once naming the variable', async function () {
    this.timeout(60_000);
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist', 'server.js')], {
      cwd: projectRoot,
      env: { ...process.env, ...env, APP_TIMEZONE: 'Nowhere/Land' },
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).to.equal(1);
    expect(output).to.contain('Configuration error: APP_TIMEZONE is not a known IANA time zone');
  });
});
