// `cli.js send` and `--help` as an operator runs them: a real child process on the test database and SMTP server.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/paths.js';
import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { mailingTo } from '../helpers/mailing-fixtures.js';
import { childEnv, runCli } from '../helpers/child-process.js';
import { parseArgs, UsageError } from '../../src/cli.js';

describe('the command line', function () {
  this.timeout(30_000);
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

  it('when asked for help, then each command explains itself and exits 0', async () => {
    expect(parseArgs(['--help'])).to.include({ command: 'help', help: 'main' });
    expect(parseArgs(['send', '--help'])).to.include({ command: 'help', help: 'send' });
    expect(parseArgs(['worker', '-h'])).to.include({ command: 'help', help: 'worker' });
    const { code, output } = await runCli(['send', '--help'], env);
    expect(code).to.equal(0);
    expect(output).to.match(/^Usage: node dist\/cli\.js send \[--mailing ID\]/);
  });

  it('when the command or an option is wrong, then it says so and exits 2', async () => {
    for (const args of [['sned'], ['send', '--mailing'], ['send', '--mailing', 'abc'], ['send', '--fast'], ['worker', 'now']]) {
      expect(() => parseArgs(args), args.join(' ')).to.throw(UsageError);
    }
    expect(parseArgs(['send', '--mailing=12'])).to.include({ command: 'send', mailingId: 12 });
    const { code, output } = await runCli(['send', '--mailing', 'abc'], env);
    expect(code).to.equal(2);
    expect(output).to.contain('--mailing needs a mailing id (a whole number), got "abc".');
  });

  it('when mailings are due, then send makes their runs, prints progress lines and a summary, and exits 0', async () => {
    const first = await dueMailing(3);
    const second = await dueMailing(2);
    const notDue = await mailingTo(db(), 2, { startAt: new Date(Date.now() + 86_400_000) });
    await notDue.mailing.update({ nextRunAt: notDue.mailing.startAt });
    const { code, output } = await runCli(['send'], env);
    expect(code, output).to.equal(0);
    expect(output).to.contain('2 mailing(s) due now');
    expect(output).to.contain(`mailing ${first.mailing.id}: 3/3 (3 sent, 0 failed)`);
    expect(output).to.contain('Summary: 2 run(s) made, 5 mail(s) sent, 0 failed');
    for (const email of [...first.emails, ...second.emails]) expect(smtp.messagesTo(email)).to.have.length(1);
    expect(smtp.messagesTo(notDue.emails[0]!)).to.have.length(0);
    const [attempt] = await db().sequelize.query<{ trigger: string }>('SELECT trigger FROM attempts WHERE mailing_id = $1', {
      bind: [first.mailing.id],
      type: QueryTypes.SELECT,
    });
    expect(attempt!.trigger).to.equal('cli');
    await first.mailing.reload();
    expect(first.mailing.nextRunAt!.getTime()).to.equal(first.mailing.startAt.getTime() + 86_400_000);
  });

  it('when a delivery fails, then the summary counts it, names the server answer, and the exit code is 1', async () => {
    const { emails } = await dueMailing(3);
    smtp.refuseRecipient(emails[1]!, 550, '5.1.1 Unknown mailbox');
    const { code, output } = await runCli(['send'], env);
    expect(code, output).to.equal(1);
    expect(output).to.contain('Summary: 1 run(s) made, 2 mail(s) sent, 1 failed');
    expect(output).to.contain('5.1.1 Unknown mailbox');
  });

  it('when one mailing is named, then it is sent now even if its run was made, and an unknown id exits 1', async () => {
    const { mailing, emails } = await dueMailing(2);
    expect((await runCli(['send'], env)).code).to.equal(0);
    const again = await runCli(['send', '--mailing', String(mailing.id)], env);
    expect(again.code, again.output).to.equal(0);
    expect(smtp.messagesTo(emails[0]!)).to.have.length(2);
    const missing = await runCli(['send', '--mailing', '999999'], env);
    expect(missing.code).to.equal(1);
    expect(missing.output).to.contain('Mailing #999999 was not found');
  });
  it('when run on a terminal, then send shows a progress bar per run instead of plain lines', async function () {
    // util-linux's `script` gives the command a real pseudo-terminal, as an operator's shell would
    const made = await dueMailing(3);
    const command = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(path.join(projectRoot, 'src', 'cli.ts'))} send`;
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: projectRoot, env: { ...env, TERM: 'xterm', COLUMNS: '120' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).to.equal(0);
    expect(output).to.match(new RegExp(`mailing ${made.mailing.id} \\[[\u2588\u2591]+\\] 3/3 sent or failed`));
    expect(output, 'no plain progress lines on a terminal').to.not.contain(`mailing ${made.mailing.id}: 3/3 (3 sent, 0 failed)`);
    expect(output).to.contain('Summary: 1 run(s) made, 3 mail(s) sent, 0 failed');
  });
});
