// The composition root's one builder: everything the service runs on, built once, in order — database, models and
// their change notifications, mail, the mailing side (engine, planner, scheduler, domain functions), accounts —
// for the web server, the command line's workers, the tests and the benchmarks. close() undoes it in reverse.
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { createLogger, type Logger } from '../log.js';
import { startMail, type MailService, type StartMailOptions } from '../mail/index.js';
import { startMailingServices, type MailingServices, type MailingServicesOptions } from '../mailings/start-mailings.js';
import type { AccountService, AccountServiceDeps } from '../accounts/account-service.js';
import { installChangeHooks } from '../site/change-hooks.js';
import type { ServiceContext } from '../context.js';

export interface Services extends ServiceContext {
  readonly planner: MailingServices['planner'];
  readonly scheduler: MailingServices['scheduler'];
  /** The sending engine as configured (what `send --mailing` and "send now" run with). */
  readonly engine: MailingServices['engine'];
  /**
   * Stops in reverse: account mails still being sent go out, the scheduler stops (runs stop between two sends),
   * then the mail transport and the database close — those two only when openServices opened them.
   */
  close(): Promise<void>;
}

export interface ServicesOptions {
  log?: Logger;
  /** An open database to use (tests); it is left open by close(). Otherwise opened (and migrated) from config. */
  db?: Database;
  /** A mail service to use (tests, benchmarks); it is left open by close(). Otherwise started from config. */
  mail?: MailService;
  /** How mail is started from config (the CLI shares a running server's catcher). */
  mailOptions?: StartMailOptions;
  /** Tests and benchmarks tune the engine, the scheduler and the clock. */
  engine?: MailingServicesOptions['engine'];
  scheduler?: MailingServicesOptions['scheduler'];
  clock?: MailingServicesOptions['clock'];
  /** Tests lower the bcrypt cost and the links' lifetimes. */
  accounts?: Pick<AccountServiceDeps, 'passwordCost' | 'tokenTtlMs'>;
  /**
   * Only what sending needs (`cli.js send`): no account service (reading `accounts` throws) and no Prometheus
   * metrics (no /metrics in that process to read them), so neither they nor prom-client, i18next and bcryptjs load.
   */
  sendingOnly?: boolean;
}

export async function openServices(config: Config, options: ServicesOptions = {}): Promise<Services> {
  const log = options.log ?? createLogger('mailing');
  // loaded while the database opens, and only when wanted (see sendingOnly)
  const extras = options.sendingOnly ? undefined : Promise.all([import('../observability/metrics.js'), import('../accounts/account-service.js')]);
  // awaited below; when the database fails first, this branch keeps a failed load from being an unhandled rejection
  extras?.catch(() => undefined);
  const db = options.db ?? (await openDatabase(config, { log: log.child('db').info }));
  // the one source of change notifications: every write through the models is announced (the public cache listens)
  installChangeHooks(db.models);
  let mail: MailService | undefined;
  let loaded: Awaited<NonNullable<typeof extras>> | undefined;
  try {
    mail = options.mail ?? (await startMail(config, log.child('mail'), options.mailOptions));
    loaded = await extras;
  } catch (error) {
    // what this call opened is closed again
    if (mail && !options.mail) await mail.close();
    if (!options.db) await db.close();
    throw error;
  }
  const metrics = loaded?.[0].processMetrics();
  const accounts: AccountService | undefined = loaded?.[1].createAccountService({
    models: db.models, transport: mail.transport, appUrl: config.appUrl, log: log.child('accounts'), ...options.accounts,
  });
  const mailing = startMailingServices({ config, db, mail, log, engine: { ...(metrics ? { metrics } : {}), ...options.engine }, scheduler: options.scheduler, clock: options.clock });
  return {
    config,
    db,
    log,
    mail,
    mailings: mailing.mailings,
    get accounts(): AccountService {
      if (!accounts) throw new Error('openServices(): these services were built for sending only (sendingOnly), without the account service');
      return accounts;
    },
    planner: mailing.planner,
    scheduler: mailing.scheduler,
    engine: mailing.engine,
    async close() {
      await accounts?.idle();
      await mailing.close();
      if (!options.mail) await mail.close();
      if (!options.db) await db.close();
    },
  };
}
