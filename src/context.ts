// What the composition root (src/boot/services.ts) builds and hands to the web app, the scheduler and the command line.
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Logger } from './log.js';
import type { MailService } from './mail/index.js';
import type { MailingService } from './mailings/mailing-service.js';
import type { AccountService } from './accounts/account-service.js';

export interface ServiceContext {
  readonly config: Config;
  readonly db: Database;
  readonly log: Logger;
  /** The mail transport; `mail.catcher` is set when the local catcher runs (development without SMTP_URL). */
  readonly mail: MailService;
  /** Create, change, disable and send mailings: the one way in for the back office, CLI and scheduler. */
  readonly mailings: MailingService;
  /** Registration, verification and password reset (the public site's account pages). */
  readonly accounts: AccountService;
}
