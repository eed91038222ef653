// Starts the service's mail: the SMTP transport from SMTP_URL, or the local catcher and a transport pointed at it.
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { MailCatcher } from './mail-catcher.js';
import { createSmtpTransport, redactSmtpUrl, type SmtpPoolSettings, type SmtpTimeouts } from './smtp-transport.js';
import type { MailTransport } from './transport.js';
import { ConfigError } from '../errors.js';

/** What the rest of the service sends mail through; `catcher` is set only in development without SMTP_URL. */
export interface MailService {
  readonly transport: MailTransport;
  readonly catcher?: MailCatcher;
  /** Lets sends in flight finish, closes the pool, then stops the catcher. */
  close(): Promise<void>;
}

export interface StartMailOptions {
  /**
   * For the CLI and workers next to a running server: when the catcher's port is taken (by the server's
   * catcher), send to it instead of failing.
   */
  shareCatcher?: boolean;
  pool?: Partial<SmtpPoolSettings>;
  timeouts?: Partial<SmtpTimeouts>;
}

export async function startMail(
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'mailCatcherPort' | 'dataDir' | 'isProduction'> & Partial<Pick<Config, 'smtpTimeouts' | 'dkim'>>,
  log: Logger,
  options: StartMailOptions = {},
): Promise<MailService> {
  let catcher: MailCatcher | undefined;
  let url: string | undefined = config.smtpUrl;
  if (url === undefined) {
    // config already refuses production without SMTP_URL; this is the second lock on that door
    if (config.isProduction) throw new ConfigError('SMTP_URL', 'is not set: the local mail catcher never runs in production');
    // loaded only here: a process with SMTP_URL set (the CLI's send) never loads the catcher's SMTP server and parser
    const { createMailCatcher } = await import('./mail-catcher.js');
    const own = createMailCatcher({ port: config.mailCatcherPort, dir: path.join(config.dataDir, 'mailbox'), logger: log.warn });
    try {
      await own.start();
      catcher = own;
      url = own.url;
      log.info(`no SMTP_URL: mails go to the local catcher at ${url} (read them at /dev/mailbox)`);
    } catch (error) {
      if (!options.shareCatcher || config.mailCatcherPort === 0) throw error;
      url = `smtp://127.0.0.1:${config.mailCatcherPort}`;
      log.info(`no SMTP_URL: the catcher port is taken, sending to the running catcher at ${url}`);
    }
  } else {
    log.info(`mail goes out through ${redactSmtpUrl(url)}`);
  }
  // SMTP_TIMEOUTS, then what the caller sets (tests), over the transport's RFC 5321 defaults
  const timeouts = { ...config.smtpTimeouts, ...options.timeouts };
  if (config.dkim) log.info(`mails are DKIM-signed for ${config.dkim.domainName} (selector ${config.dkim.keySelector})`);
  const transport = createSmtpTransport({ url: url!, from: config.mailFrom, pool: options.pool, timeouts, logger: log.warn, dkim: config.dkim });
  return {
    transport,
    catcher,
    async close() {
      await transport.close();
      await catcher?.stop();
    },
  };
}
