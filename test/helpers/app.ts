// Starts the real web app (createApp) on an ephemeral loopback port with the real services (openServices, the
// composition root) on the test database: mail through a real SMTP transport (to an SmtpTestServer when given).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { silentLogger } from '../../src/log.js';
import { createApp, type AppOptions } from '../../src/boot/app.js';
import { openServices, type Services, type ServicesOptions } from '../../src/boot/services.js';
import type { PublicSite } from '../../public-site/index.js';
import type { MailService } from '../../src/mail/index.js';
import type { MailCatcher } from '../../src/mail/mail-catcher.js';
import { FAST_RETRY, testTransport } from './mailing-fixtures.js';
import type { SmtpTimeouts } from '../../src/mail/smtp-transport.js';
import type { SmtpTestServer } from './smtp-test-server.js';

export interface TestApp {
  url: string;
  ctx: Services;
  /** The public site's cache, and idle() to wait for the account mails its pages send in the background. */
  publicSite: PublicSite;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  db: Database;
  /** The transport's timeouts; the fast test ones by default (a test of long runs on a busy machine wants real ones). */
  smtpTimeouts?: Partial<SmtpTimeouts>;
  /** Mail goes to this server; without it, to a closed port (sends fail fast, nothing else is affected). */
  smtp?: SmtpTestServer;
  /** Mail goes to this local catcher instead, and the site serves /dev/mailbox (the development set-up; its owner stops it). */
  catcher?: MailCatcher;
  /** Extra settings (environment variable names), e.g. { APP_TIMEZONE: 'Europe/Berlin' }. APP_URL is the app's own
   * address unless given here (the links in the account mails point to it). */
  env?: Record<string, string>;
  app?: AppOptions;
  /** The account service's knobs (bcrypt cost, link lifetimes); new passwords are hashed at cost 4 unless given. */
  accounts?: ServicesOptions['accounts'];
  /** Listen on this address too (e.g. the machine's non-loopback address, to be a client from elsewhere). */
  alsoListenOn?: string;
}

export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailing-test-data-'));
  return loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: 'test-session-secret-0123456789',
    DATA_DIR: dataDir,
    SMTP_URL: 'smtp://127.0.0.1:1',
    MAIL_FROM: 'Mailing Service <no-reply@mailing.test>',
    ...env,
  });
}

export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  // the port first, so that APP_URL can be the address the app really answers on
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const smtpUrl = options.catcher?.url ?? options.smtp?.url;
  const config = testConfig({ APP_URL: url, ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}), ...options.env });
  const transport = testTransport(config.smtpUrl!, undefined, options.smtpTimeouts);
  const mail: MailService = { transport, catcher: options.catcher, close: () => transport.close() };
  const ctx = await openServices(config, {
    db: options.db,
    mail,
    log: silentLogger,
    engine: { retry: FAST_RETRY, concurrency: 3 },
    scheduler: { processEveryMs: 200, resumeEveryMs: 500 },
    accounts: { passwordCost: 4, ...options.accounts },
  });
  const app = await createApp(ctx, options.app);
  server.on('request', app);
  const extra = options.alsoListenOn === undefined ? undefined : http.createServer(app);
  if (extra) await new Promise<void>((resolve) => extra.listen(port, options.alsoListenOn, resolve));
  return {
    url,
    ctx,
    publicSite: app.publicSite,
    async stop() {
      for (const each of extra ? [server, extra] : [server]) {
        each.closeAllConnections();
        await new Promise<void>((resolve) => each.close(() => resolve()));
      }
      await app.publicSite.close();
      await ctx.close();
      await mail.close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Use in a describe block after useTestDatabase(): starts the app once before its tests and stops it after them.
 * Returns a getter for the running app, valid inside hooks and tests.
 */
export function useTestApp(db: () => Database, options: Omit<TestAppOptions, 'db'> = {}): () => TestApp {
  let app: TestApp | undefined;
  before(async () => {
    app = await startTestApp({ db: db(), ...options });
  });
  after(async () => {
    await app?.stop();
  });
  return () => {
    if (!app) throw new Error('useTestApp(): the app is running only inside hooks and tests');
    return app;
  };
}
