// The command line's log as an operator's tools read it: JSON lines when piped (with one line per run start and
// end and their counts), human lines on a terminal, LOG_LEVEL obeyed; and `prune` as a command. Real child
// processes (the built dist/cli.js) on the test database and SMTP server.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { projectRoot } from '../../src/paths.js';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { mailingTo } from '../helpers/mailing-fixtures.js';
import { childEnv } from '../helpers/child-process.js';

const CLI = path.join(projectRoot, 'dist', 'cli.js');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/cli.js …` with stdout and stderr piped apart. */
function runBuiltCli(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Every line parsed as JSON: throws on the first that is not. */
function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}

describe('the command line logs', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  beforeEach(() => {
    env = childEnv({ DATABASE_URL: db().url, SMTP_URL: smtp.url });
  });
  afterEach(() => smtp.reset());

  async function dueMailing(n: number) {
    const made = await mailingTo(db(), n, { startAt: new Date(Date.now() - 3_600_000) });
    await made.mailing.update({ status: 'running', nextRunAt: made.mailing.startAt });
    return made;
  }

  it('when send runs with its output piped, then its log is JSON lines with one run start and one run end carrying the ids and counts, and stdout keeps the summary', async () => {
    const { mailing, owner, emails } = await dueMailing(4);
    smtp.refuseRecipient(emails[3]!, 550, '5.1.1 Unknown mailbox');

    const ran = await runBuiltCli(['send'], env);

    expect(ran.code, ran.stderr).to.equal(1);
    expect(ran.stdout).to.contain('Summary: 1 run(s) made, 3 mail(s) sent, 1 failed');
    const lines = jsonLines(ran.stderr);
    for (const line of lines) expect(line).to.include.keys('level', 'time', 'pid', 'hostname', 'component', 'msg');
    const [attempt] = await db().sequelize.query<{ id: number }>('SELECT id FROM attempts WHERE mailing_id = $1', {
      bind: [mailing.id],
      type: QueryTypes.SELECT,
    });
    const starts = lines.filter((line) => line.event === 'run.start');
    const ends = lines.filter((line) => line.event === 'run.end');
    expect(starts).to.have.length(1);
    expect(ends).to.have.length(1);
    expect(starts[0]).to.include({ level: 'info', component: 'cli:sending', attemptId: attempt!.id, mailingId: mailing.id, ownerId: owner.id, trigger: 'cli', resumed: false });
    expect(ends[0]).to.include({
      level: 'info',
      attemptId: attempt!.id,
      mailingId: mailing.id,
      ownerId: owner.id,
      trigger: 'cli',
      result: 'failure',
      total: 4,
      sent: 3,
      failed: 1,
      unknown: 0,
    });
    expect(ends[0]!.durationMs).to.be.a('number').and.at.least(0);
  });

  it('when LOG_LEVEL is warn, then no info line is written', async () => {
    await dueMailing(1);
    const ran = await runBuiltCli(['send'], { ...env, LOG_LEVEL: 'warn' });
    expect(ran.code, ran.stderr).to.equal(0);
    expect(ran.stdout).to.contain('Summary: 1 run(s) made, 1 mail(s) sent');
    expect(jsonLines(ran.stderr).filter((line) => line.level === 'info')).to.deep.equal([]);
  });

  it('when send runs on a terminal, then its log lines are for people, not JSON', async () => {
    const { mailing } = await dueMailing(2);
    // util-linux's `script` gives the command a real pseudo-terminal
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} send`;
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: projectRoot, env: { ...env, TERM: 'xterm', COLUMNS: '160' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).to.equal(0);
    expect(output).to.match(/\d{4}-\d\d-\d\dT[\d:.]+Z INFO \[cli:sending\] run ended: success \(2 sent, 0 failed, 0 unknown of 2\) event=run\.end/);
    expect(output).to.contain(`mailingId=${mailing.id}`);
    expect(output).to.not.contain('{"level"');
  });

  it('when prune runs, then the deliveries of runs ended before the retention are deleted and it says how many', async () => {
    const { mailing } = await dueMailing(3);
    expect((await runBuiltCli(['send'], env)).code).to.equal(0);
    await db().sequelize.query("UPDATE attempts SET finished_at = now() - interval '40 days' WHERE mailing_id = $1", { bind: [mailing.id] });

    const kept = await runBuiltCli(['prune'], env);
    expect(kept.code, kept.stderr).to.equal(0);
    expect(kept.stdout).to.contain('Removed 0 delivery row(s) of 0 run(s)');

    const pruned = await runBuiltCli(['prune'], { ...env, DELIVERY_RETENTION_DAYS: '31' });
    expect(pruned.code, pruned.stderr).to.equal(0);
    expect(pruned.stdout).to.match(/^Removed 3 delivery row\(s\) of 1 run\(s\) that ended before \S+ \(1 batch\(es\)\)$/m);
    const [left] = await db().sequelize.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM deliveries d JOIN attempts a ON a.id = d.attempt_id WHERE a.mailing_id = $1',
      { bind: [mailing.id], type: QueryTypes.SELECT },
    );
    expect(left!.n).to.equal(0);
  });
});
