// `node dist/cli.js send` as an operator runs it, with every module it loads recorded: only what sending needs.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths.js';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { childEnv } from '../helpers/child-process.js';

/** Runs the built CLI (dist/cli.js) with the module recorder preloaded; returns its exit code, output and modules. */
async function runRecorded(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; modules: string[] }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-modules-')), 'modules.txt');
  const recorder = path.join(projectRoot, 'test', 'boot', 'module-recorder.mjs');
  const child = spawn(process.execPath, ['--import', recorder, path.join(projectRoot, 'dist', 'cli.js'), ...args], {
    cwd: projectRoot,
    env: { ...env, RECORD_MODULES_TO: file },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const modules = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return { code, output, modules };
}

/** The installed packages among the loaded modules ("express", "@adminjs/express", …). */
function packagesOf(modules: string[]): Set<string> {
  const names = new Set<string>();
  for (const module of modules) {
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(module.replace(/^file:\/\//, ''));
    if (match) names.add(match[1]!.replace('\\', '/'));
  }
  return names;
}

const WEB_PACKAGES = ['adminjs', '@adminjs/express', '@adminjs/sequelize', 'express', 'express-session', 'ejs', 'helmet', 'csrf-csrf'];
/** What saving a message needs and sending does not (the stored HTML is already clean, its text part written). */
const SAVE_TIME_PACKAGES = ['sanitize-html', 'html-to-text'];
/**
 * What `send` needs only in some runs or never: the scheduler's Agenda (loaded when a run writes its mailing's next
 * job), liquidjs (only for a message with more than simple {{ variable }} outputs), the Prometheus metrics (no
 * /metrics in a CLI process) and the account service's i18next and bcryptjs.
 */
const NOT_FOR_SENDING_PACKAGES = ['agenda', 'liquidjs', 'prom-client', 'i18next', 'bcryptjs'];

describe('the light command line', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;

  before(async function () {
    if (!fs.existsSync(path.join(projectRoot, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
    smtp = await sharedSmtpTestServer();
  });

  it('when `node dist/cli.js send` runs with nothing due, then it exits 0 having loaded the database and mail modules but no back office, web server, public-site template module, message-saving package (sanitize-html, html-to-text), Agenda, liquidjs, prom-client, i18next or bcryptjs', async () => {
    const { code, output, modules } = await runRecorded(['send'], childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url }));

    expect(code, output).to.equal(0);
    expect(output).to.contain('0 mailing(s) due now');
    const packages = packagesOf(modules);
    // the recorder sees what sending needs (so an empty list cannot pass for a light one)
    expect([...packages], 'the sending modules are recorded').to.include.members(['sequelize', 'pg', 'nodemailer']);
    expect(WEB_PACKAGES.filter((name) => packages.has(name)), 'web packages loaded').to.deep.equal([]);
    expect(SAVE_TIME_PACKAGES.filter((name) => packages.has(name)), 'message-saving packages loaded').to.deep.equal([]);
    expect(NOT_FOR_SENDING_PACKAGES.filter((name) => packages.has(name)), 'packages sending does not need loaded').to.deep.equal([]);
    const ours = modules.filter((m) => m.includes('/dist/') && !m.includes('node_modules'));
    expect(ours.filter((m) => /[\\/]dist[\\/](admin|public-site)[\\/]|[\\/]dist[\\/]src[\\/]boot[\\/](app|server)\.js/.test(m)), 'web layer modules loaded').to.deep.equal([]);
  });

  it('when `node dist/cli.js --help` runs, then it loads no database or mail module at all', async () => {
    const { code, output, modules } = await runRecorded(['--help'], childEnv({}));

    expect(code, output).to.equal(0);
    expect(output).to.contain('Usage: node dist/cli.js <command>');
    const packages = packagesOf(modules);
    expect(['sequelize', 'pg', 'nodemailer', 'agenda'].filter((name) => packages.has(name))).to.deep.equal([]);
  });
});
