// The operator's command line: parses the arguments and loads only the command asked for (a dynamic import per
// command), so `send` never loads the web server, the back office or the public site's templates.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConfig, type Config } from '../config.js';
import { isOperational, reportError, UsageError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { PRUNE_USAGE } from './cli-prune-usage.js';

/** One command: its help text, its options, and the module that runs it (loaded only when it runs). */
interface Command<Options> {
  usage: string;
  parse(args: string[]): Options;
  run(options: Options, log: Logger): Promise<number>;
}

const MAIN_USAGE = `Usage: node dist/cli.js <command> [options]

Commands:
  send                 send every mailing that is due now (the same run the scheduler makes)
  send --mailing ID    send one mailing now
  worker               run the scheduler alone (no web server); stop with Ctrl-C or SIGTERM
  prune                delete the delivery details older than DELIVERY_RETENTION_DAYS now (the daily job's work)
  dkim-record          print the DNS TXT record that publishes the DKIM key (DKIM_* settings)

Run "node dist/cli.js <command> --help" for a command's options.`;

const send: Command<{ mailingId?: number }> = {
  usage: `Usage: node dist/cli.js send [--mailing ID]

Sends every mailing whose run is due now, or only mailing ID (now, a run of its own, even if its due run was made
already; its schedule is left as it is, like "Send now" in the back office).
A run left unfinished (this command or a worker was killed) is resumed first, never sent again beside itself:
plain "send" resumes every such run, "send --mailing ID" that mailing's.
Shows progress (a bar on a terminal, plain lines otherwise) and a summary.
Exit code: 0 when every recipient got the mail, 1 when a delivery failed, its outcome is unknown, or a run could not be made, 2 for usage errors.`,
  parse(rest) {
    let mailingId: number | undefined;
    for (let i = 0; i < rest.length; i += 1) {
      const arg = rest[i]!;
      const value = arg.startsWith('--mailing=') ? arg.slice('--mailing='.length) : arg === '--mailing' ? rest[++i] : undefined;
      if (value === undefined) throw new UsageError(arg === '--mailing' ? '--mailing needs a mailing id.' : `Unknown option "${arg}".`);
      const id = Number(value);
      if (!Number.isInteger(id) || id <= 0) throw new UsageError(`--mailing needs a mailing id (a whole number), got "${value}".`);
      mailingId = id;
    }
    return { mailingId };
  },
  run: async (options, log) => (await import('./cli-send.js')).send(options.mailingId, log),
};

const worker: Command<Record<string, never>> = {
  usage: `Usage: node dist/cli.js worker

Runs the scheduler alone: takes due mailing jobs from the job store (PostgreSQL, or MongoDB when MONGODB_URL
is set), repairs missing jobs, resumes runs a crashed process left. Any number of workers may share one database.
Stops cleanly on SIGINT/SIGTERM: runs in progress stop between two mails and stay resumable.`,
  parse(rest) {
    if (rest.length > 0) throw new UsageError(`worker takes no options, got "${rest.join(' ')}".`);
    return {};
  },
  run: async (_options, log) => (await import('./cli-worker.js')).worker(log),
};

const prune: Command<Record<string, never>> = {
  usage: PRUNE_USAGE,
  parse(rest) {
    if (rest.length > 0) throw new UsageError(`prune takes no options, got "${rest.join(' ')}".`);
    return {};
  },
  run: async (_options, log) => (await import('./cli-prune.js')).prune(log),
};

const dkimRecord: Command<Record<string, never>> = {
  usage: `Usage: node dist/cli.js dkim-record

Prints the DNS TXT record to publish so that receivers can check the DKIM signature of the mails: its name
(<DKIM_SELECTOR>._domainkey.<DKIM_DOMAIN>) and value, made from the public half of DKIM_PRIVATE_KEY.
Exit code: 0 when printed, 1 when DKIM is not configured or a setting is wrong.`,
  parse(rest) {
    if (rest.length > 0) throw new UsageError(`dkim-record takes no options, got "${rest.join(' ')}".`);
    return {};
  },
  async run() {
    const config = getConfig();
    if (!config.dkim) {
      process.stderr.write('DKIM is not configured: set DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY (see .env.example).\n');
      return 1;
    }
    process.stdout.write((await import('../mail/dkim.js')).dkimRecordText(config.dkim));
    return 0;
  },
};

/** The commands by name: a new command is one more entry (its usage, its options, the module that runs it). */
const COMMANDS = { send, worker, prune, 'dkim-record': dkimRecord } as const;
type CommandName = keyof typeof COMMANDS;

// the CLI's bad command lines: an operational error of its own (exit code 2), exported here for parseArgs' callers
export { UsageError };

interface Parsed {
  command: CommandName | 'help';
  help: CommandName | 'main';
  mailingId?: number;
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

export function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help', help: 'main' };
  if (!isCommand(command)) throw new UsageError(`Unknown command "${command}".`);
  if (rest.includes('--help') || rest.includes('-h')) return { command: 'help', help: command };
  return { command, help: command, ...COMMANDS[command].parse(rest) };
}

function usageOf(help: Parsed['help']): string {
  return help === 'main' ? MAIN_USAGE : COMMANDS[help].usage;
}

export async function main(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${MAIN_USAGE}\n`);
    return 2;
  }
  if (parsed.command === 'help') {
    process.stdout.write(`${usageOf(parsed.help)}\n`);
    return 0;
  }
  let config: Config;
  try {
    config = getConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  // `send` and `prune` report on stdout (progress, summary) and log on stderr; a worker only logs
  const log = createLogger(parsed.command === 'worker' ? 'worker' : 'cli', {
    level: config.logLevel,
    stream: parsed.command === 'worker' ? process.stdout : process.stderr,
  });
  const command = COMMANDS[parsed.command] as Command<Parsed>;
  return command.run(parsed, log);
}

/**
 * Runs the command line as the program when `entryUrl` (the entry module, src/cli.ts or dist/src/cli.js) is what
 * node was started with, or dist/cli.js; not when a test imports it for parseArgs.
 */
export function runCliWhenStarted(entryUrl: string): void {
  const entry = process.argv[1] ? path.resolve(process.argv[1]) : '';
  if (entry !== fileURLToPath(entryUrl) && !/[\\/]dist[\\/]cli\.js$/.test(entry)) return;
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
