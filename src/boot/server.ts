// The web server's boot, in order: configuration, the services (database + migrations, mail, mailings, accounts:
// src/boot/services.ts), demo data when empty, web server, scheduler; shutdown in reverse: web, the services.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { QueryTypes } from 'sequelize';
import { getConfig, type Config } from '../config.js';
import type { Database } from '../db/database.js';
import { seedAll, SEED_USERS } from '../db/seeds/demo-seeds.js';
import { createLogger, type Logger } from '../log.js';
import { createApp } from './app.js';
import { reportError, isOperational } from '../errors.js';
import { isLoopbackAddress } from '../loopback.js';
import { openServices } from './services.js';

async function seedIfEmpty(db: Database, config: Config, log: Logger): Promise<boolean> {
  const [row] = await db.sequelize.query<{ count: number }>('SELECT count(*)::int AS count FROM users', { type: QueryTypes.SELECT });
  if (row && row.count > 0) return false;
  if (config.seedPassword === undefined) {
    log.warn('the database is empty and SEED_PASSWORD is unset: no demo accounts created');
    return false;
  }
  await seedAll(db.sequelize, config.seedPassword);
  log.info('the database was empty: demo data created');
  return true;
}

/** The address the server listens on, as a URL (an IPv6 address in brackets). */
function listenUrl(host: string, port: number): string {
  return `http://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** Says so when the server is reachable from other machines (HOST set to every interface or a public address). */
function exposure(host: string): string {
  if (host === '0.0.0.0' || host === '::') return ' (every interface: reachable from other machines)';
  return host === 'localhost' || isLoopbackAddress(host) ? '' : ' (reachable from other machines)';
}

export async function main(): Promise<void> {
  const startedAt = Date.now();
  let config: Config;
  try {
    config = getConfig();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const log = createLogger('server', { level: config.logLevel });

  const services = await openServices(config, { log });
  const seeded = await seedIfEmpty(services.db, config, log);
  // an unreachable mail server is worth a warning at boot, not a refusal to start: runs retry and record it
  void services.mail.transport.verify().catch((error: unknown) => log.warn(`mail server check failed: ${error instanceof Error ? error.message : String(error)}`));
  const app = await createApp(services);
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  // web and scheduler in one process for `npm start`; `cli.js worker` runs the scheduler alone
  await services.scheduler.start(services.planner);

  log.info(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: listening on ${listenUrl(config.host, port)}${exposure(config.host)}`);
  log.info(`public site: ${config.appUrl.replace(`:${config.port}`, `:${port}`)}`);
  log.info(`back office: ${config.appUrl}/admin`);
  if (config.seedPassword !== undefined && (seeded || !config.isProduction)) {
    log.info(`demo logins (password "${config.isProduction ? '<SEED_PASSWORD>' : config.seedPassword}"): ${SEED_USERS.map((u) => u.email).join(', ')}`);
  }

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: shutting down`);
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.publicSite.close();
    // account mails (sign-up, reset) still being sent go out before the transport closes
    await services.close();
    log.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Runs the server as the program (src/server.ts, dist/server.js). */
export function runServer(): void {
  process.on('unhandledRejection', (reason) => reportError('unhandled rejection', reason));
  main().catch((error: unknown) => {
    if (isOperational(error)) console.error(error.message);
    else reportError('startup', error);
    process.exit(1);
  });
}
