// The operator's command line: `send` (due mailings, or one with --mailing ID) and `worker` (the scheduler alone).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar, Presets } from 'cli-progress';
import { getConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { isOperational, reportError, UsageError } from './errors.js';
import { createLogger, type Logger } from './log.js';
import { startMail, type MailService } from './mail/index.js';
import { startMailingServices, type MailingServices } from './mailings/start-mailings.js';
import type { DueResult, ResumeResult } from './scheduling/planner.js';
import { runMailing, type RunProgress } from './sending/run-mailing.js';
import { dkimRecordText } from './mail/dkim.js';

const USAGE = {
  main: `Usage: node dist/cli.js <command> [options]

Commands:
  send                 send every mailing that is due now (the same run the scheduler makes)
  send --mailing ID    send one mailing now
  worker               run the scheduler alone (no web server); stop with Ctrl-C or SIGTERM
  dkim-record          print the DNS TXT record that publishes the DKIM key (DKIM_* settings)

Run "node dist/cli.js <command> --help" for a command's options.`,
  send: `Usage: node dist/cli.js send [--mailing ID]

Sends every mailing whose run is due now, or only mailing ID (now, even if its run was made already).
A run left unfinished (this command or a worker was killed) is resumed first, never sent again beside itself:
plain "send" resumes every such run, "send --mailing ID" that mailing's.
Shows progress (a bar on a terminal, plain lines otherwise) and a summary.
Exit code: 0 when every recipient got the mail, 1 when a delivery failed, its outcome is unknown, or a run could not be made, 2 for usage errors.`,
  worker: `Usage: node dist/cli.js worker

Runs the scheduler alone: takes due mailing jobs from the job store (PostgreSQL, or MongoDB when MONGODB_URL
is set), repairs missing jobs, resumes runs a crashed process left. Any number of workers may share one database.
Stops cleanly on SIGINT/SIGTERM: runs in progress stop between two mails and stay resumable.`,
  'dkim-record': `Usage: node dist/cli.js dkim-record

Prints the DNS TXT record to publish so that receivers can check the DKIM signature of the mails: its name
(<DKIM_SELECTOR>._domainkey.<DKIM_DOMAIN>) and value, made from the public half of DKIM_PRIVATE_KEY.
Exit code: 0 when printed, 1 when DKIM is not configured or a setting is wrong.`,
};

// the CLI's bad command lines: an operational error of its own (exit code 2), exported here for parseArgs' callers
export { UsageError };

interface Parsed {
  command: 'send' | 'worker' | 'dkim-record' | 'help';
  help: keyof typeof USAGE;
  mailingId?: number;
}

export function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help', help: 'main' };
  if (command !== 'send' && command !== 'worker' && command !== 'dkim-record') throw new UsageError(`Unknown command "${command}".`);
  if (rest.includes('--help') || rest.includes('-h')) return { command: 'help', help: command };
  if (command === 'worker' || command === 'dkim-record') {
    if (rest.length > 0) throw new UsageError(`${command} takes no options, got "${rest.join(' ')}".`);
    return { command, help: command };
  }
  let mailingId: number | undefined;
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i]!;
    const value = arg.startsWith('--mailing=') ? arg.slice('--mailing='.length) : arg === '--mailing' ? rest[++i] : undefined;
    if (value === undefined) throw new UsageError(arg === '--mailing' ? '--mailing needs a mailing id.' : `Unknown option "${arg}".`);
    const id = Number(value);
    if (!Number.isInteger(id) || id <= 0) throw new UsageError(`--mailing needs a mailing id (a whole number), got "${value}".`);
    mailingId = id;
  }
  return { command, help: command, mailingId };
}

/** Progress on stdout: a bar per run on a terminal, a line every second otherwise. */
function progressReporter(out: NodeJS.WriteStream): { update(p: RunProgress): void; done(): void } {
  if (out.isTTY) {
    let bar: SingleBar | undefined;
    let attempt = 0;
    return {
      update(p) {
        if (p.attemptId !== attempt) {
          bar?.stop();
          attempt = p.attemptId;
          bar = new SingleBar({ format: `mailing ${p.mailingId} [{bar}] {value}/{total} sent or failed | {eta_formatted} left`, hideCursor: true }, Presets.shades_classic);
          bar.start(p.total, 0);
        }
        bar?.update(p.sent + p.failed);
      },
      done() {
        bar?.stop();
        bar = undefined;
        attempt = 0;
      },
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 1000 && p.sent + p.failed < p.total) return;
      last = now;
      out.write(`mailing ${p.mailingId}: ${p.sent + p.failed}/${p.total} (${p.sent} sent, ${p.failed} failed)\n`);
    },
    done() {
      last = 0;
    },
  };
}

interface Running {
  config: Config;
  db: Database;
  mail: MailService;
  services: MailingServices;
  close(): Promise<void>;
}

async function open(log: Logger, onProgress?: (p: RunProgress) => void): Promise<Running> {
  const config = getConfig();
  const db = await openDatabase(config, { log: log.child('db').info });
  const mail = await startMail(config, log.child('mail'), { shareCatcher: true });
  const services = startMailingServices({ config, db, mail, log, engine: { onProgress } });
  return {
    config,
    db,
    mail,
    services,
    async close() {
      await services.close();
      await mail.close();
      await db.close();
    },
  };
}

type Result = Pick<DueResult, 'mailingId' | 'outcome'> | ResumeResult;

function describe(result: Result): string {
  const { outcome } = result;
  switch (outcome.kind) {
    case 'done':
      return `mailing ${result.mailingId}: ${outcome.status}, ${outcome.sent} sent, ${outcome.failed} failed` +
        `${outcome.unknown > 0 ? `, ${outcome.unknown} unknown (not resent)` : ''} of ${outcome.total}` +
        (outcome.failed + outcome.unknown > 0 && outcome.serverResponse ? ` (first error: ${outcome.serverResponse})` : '');
    case 'cancelled':
      return `mailing ${result.mailingId ?? '(deleted)'}: cancelled, ${outcome.reason}; ${outcome.sent} sent before that, of ${outcome.total}`;
    case 'skipped':
    case 'interrupted':
    case 'not-due':
      return `mailing ${result.mailingId}: not sent here, ${outcome.reason}`;
  }
}

async function send(mailingId: number | undefined, log: Logger): Promise<number> {
  const progress = progressReporter(process.stdout);
  const running = await open(log, (p) => progress.update(p));
  const { planner } = running.services;
  const results: Result[] = [];
  try {
    if (mailingId === undefined) {
      // runs a killed process left unfinished first: they are due since long, and their mailing is not "due"
      for (const resumed of await planner.resumeUnfinished()) {
        if (resumed.outcome.kind === 'skipped') continue;
        results.push(resumed);
        progress.done();
        process.stdout.write(`resumed attempt ${resumed.attemptId}: ${describe(resumed)}\n`);
      }
      const due = await planner.dueMailingIds();
      process.stdout.write(`${due.length} mailing(s) due now\n`);
      for (const id of due) {
        results.push(await planner.runDue(id, 'cli'));
        progress.done();
        process.stdout.write(`${describe(results[results.length - 1]!)}\n`);
      }
    } else {
      const exists = await running.db.models.Mailing.findByPk(mailingId, { attributes: ['id', 'startAt', 'endAt'] });
      if (!exists) {
        process.stderr.write(`Mailing #${mailingId} was not found.\n`);
        return 1;
      }
      const now = new Date();
      const open = now >= exists.startAt && (exists.endAt === null || now < exists.endAt);
      // inside its window the run also moves the schedule on; outside it is a one-off run
      const result: DueResult = open
        ? await planner.runDue(mailingId, 'cli', { force: true })
        : {
            mailingId,
            nextRunAt: null,
            outcome: await runMailing(
              { sequelize: running.db.sequelize, transport: running.mail.transport, log, onProgress: (p) => progress.update(p) },
              mailingId,
              { scheduledFor: now, trigger: 'cli' },
            ),
          };
      results.push(result);
      progress.done();
      process.stdout.write(`${describe(result)}\n`);
    }
  } finally {
    await running.close();
  }
  const done = results.flatMap((r) => (r.outcome.kind === 'done' ? [r.outcome] : []));
  const sent = done.reduce((n, o) => n + o.sent, 0);
  const failed = done.reduce((n, o) => n + o.failed, 0);
  const unknown = done.reduce((n, o) => n + o.unknown, 0);
  const notSent = results.length - done.length;
  process.stdout.write(
    `Summary: ${done.length} run(s) made, ${sent} mail(s) sent, ${failed} failed${unknown > 0 ? `, ${unknown} unknown (not resent)` : ''}, ${notSent} mailing(s) not sent by this command\n`,
  );
  const unsentOne = mailingId !== undefined && done.length === 0;
  // a mail the server never confirmed is not "every recipient got the mail"
  return failed > 0 || unknown > 0 || unsentOne ? 1 : 0;
}

async function worker(log: Logger): Promise<number> {
  const running = await open(log);
  await running.services.scheduler.start(running.services.planner);
  log.info('worker started: waiting for due mailings (Ctrl-C to stop)');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('stopping: runs in progress stop between two mails and stay resumable');
  await running.close();
  log.info('worker stopped cleanly');
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE.main}\n`);
    return 2;
  }
  if (parsed.command === 'help') {
    process.stdout.write(`${USAGE[parsed.help]}\n`);
    return 0;
  }
  const log = createLogger(parsed.command === 'worker' ? 'worker' : 'cli');
  let config: Config;
  try {
    config = getConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (parsed.command === 'dkim-record') {
    if (!config.dkim) {
      process.stderr.write('DKIM is not configured: set DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY (see .env.example).\n');
      return 1;
    }
    process.stdout.write(dkimRecordText(config.dkim));
    return 0;
  }
  return parsed.command === 'send' ? send(parsed.mailingId, log) : worker(log);
}

// run when started as a program (node dist/cli.js, or the source under tsx), not when a test imports parseArgs
const entry = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url) || /[\\/]dist[\\/]cli\.js$/.test(entry)) {
  process.on('unhandledRejection', (reason) => reportError('unhandled rejection', reason));
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (isOperational(error)) process.stderr.write(`${error.message}\n`);
      else reportError('cli', error);
      process.exit(1);
    },
  );
}
