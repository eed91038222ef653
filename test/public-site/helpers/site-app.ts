// Starts the public site on a real Express app on 127.0.0.1, with mail going to a real SMTP test server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig } from '../../../src/config.js';
import type { Database } from '../../../src/db/database.js';
import { silentLogger } from '../../../src/log.js';
import { createSmtpTransport } from '../../../src/mail/smtp-transport.js';
import type { MailService } from '../../../src/mail/index.js';
import { mountPublicSite, type PublicSite, type PublicSiteContext, type PublicSiteOptions } from '../../../public-site/index.js';
import { freePort } from '../../helpers/database.js';
import type { SmtpTestServer } from '../../helpers/smtp-test-server.js';

export interface SiteApp {
  url: string;
  site: PublicSite;
  ctx: PublicSiteContext;
  stop(): Promise<void>;
}

export async function startSiteApp(db: Database, options: { smtp?: SmtpTestServer; site?: PublicSiteOptions } = {}): Promise<SiteApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ NODE_ENV: 'test', APP_URL: url, SMTP_URL: options.smtp?.url ?? 'smtp://127.0.0.1:9' });
  const transport = createSmtpTransport({
    url: config.smtpUrl!,
    from: config.mailFrom,
    timeouts: { connectionMs: 1000, greetingMs: 1000, socketMs: 2000, sendMs: 3000 },
    logger: () => undefined,
  });
  const mail: MailService = { transport, close: () => transport.close() };
  const ctx: PublicSiteContext = { config, db, log: silentLogger, mail };
  const app = express();
  const site = await mountPublicSite(app, ctx, { passwordCost: 4, ...options.site });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    site,
    ctx,
    async stop() {
      site.cache.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await transport.close();
    },
  };
}
