// Starts the real web app (createApp) on an ephemeral loopback port with a real ServiceContext on the test
// database: mail through a real SMTP transport (to an SmtpTestServer when given) and the real mailing services.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import type { ServiceContext } from '../../src/context.js';
import { silentLogger } from '../../src/log.js';
import { createApp, type AppOptions } from '../../src/app.js';
import type { MailService } from '../../src/mail/index.js';
import { testTransport } from './mailing-fixtures.js';
import type { SmtpTimeouts } from '../../src/mail/smtp-transport.js';
import { testMailingServices } from './mailing-services.js';
import type { SmtpTestServer } from './smtp-test-server.js';

export interface TestApp {
  url: string;
  ctx: ServiceContext;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  db: Database;
  /** The transport's timeouts; the fast test ones by default (a test of long runs on a busy machine wants real ones). */
  smtpTimeouts?: Partial<SmtpTimeouts>;
  /** Mail goes to this server; without it, to a closed port (sends fail fast, nothing else is affected). */
  smtp?: SmtpTestServer;
  /** Extra settings (environment variable names), e.g. { APP_TIMEZONE: 'Europe/Berlin' }. */
  env?: Record<string, string>;
  app?: AppOptions;
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
  const config = testConfig(options.smtp ? { SMTP_URL: options.smtp.url, ...options.env } : options.env);
  const transport = testTransport(config.smtpUrl!, undefined, options.smtpTimeouts);
  const mail: MailService = { transport, close: () => transport.close() };
  const services = testMailingServices(options.db, transport, { timeZone: config.appTimezone });
  const ctx: ServiceContext = { config, db: options.db, log: silentLogger, mail, mailings: services.mailings };
  const app = await createApp(ctx, options.app);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const extra = options.alsoListenOn === undefined ? undefined : http.createServer(app);
  if (extra) await new Promise<void>((resolve) => extra.listen(port, options.alsoListenOn, resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    ctx,
    async stop() {
      for (const each of extra ? [server, extra] : [server]) {
        each.closeAllConnections();
        await new Promise<void>((resolve) => each.close(() => resolve()));
      }
      await services.close();
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
