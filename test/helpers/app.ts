// Starts the real web app (createApp) on an ephemeral loopback port with a ServiceContext built on the test
// database, and optionally a real SMTP transport pointed at an SmtpTestServer; for HTTP and browser tests.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import type { ServiceContext } from '../../src/context.js';
import { silentLogger } from '../../src/log.js';
import { createApp } from '../../src/app.js';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import type { MailTransport } from '../../src/mail/transport.js';
import type { SmtpTestServer } from './smtp-test-server.js';

export interface TestApp {
  url: string;
  ctx: ServiceContext;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  db: Database;
  /** When given, ctx.mail sends to this server. */
  smtp?: SmtpTestServer;
  /** Extra settings (environment variable names), e.g. { APP_TIMEZONE: 'Europe/Berlin' }. */
  env?: Record<string, string>;
  /**
   * Adds services to the context before the app is built (e.g. the sending engine's ctx.mailings), so this
   * helper does not need to know every part of the service.
   */
  extend?: (ctx: ServiceContext & { mail?: MailTransport }) => Promise<Record<string, unknown>> | Record<string, unknown>;
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
  const mail = options.smtp
    ? createSmtpTransport({ url: options.smtp.url, from: config.mailFrom, timeouts: { connectionMs: 1000, greetingMs: 1000, socketMs: 2000, sendMs: 5000 } })
    : undefined;
  const base: ServiceContext & { mail?: MailTransport } = { config, db: options.db, log: silentLogger, ...(mail ? { mail } : {}) };
  const ctx = { ...base, ...(await options.extend?.(base)) } as ServiceContext;
  const app = await createApp(ctx);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ctx,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mail?.close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
