// The Express application (no listening here, so tests can mount it on an ephemeral port).
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ServiceContext } from '../context.js';
import { reportError, UNEXPECTED_MESSAGE } from '../errors.js';
import { mountAdmin, type AdminOptions } from '../../admin/index.js';
import { mountPublicSite, type PublicSite, type PublicSiteOptions } from '../../public-site/index.js';
import { createHealthCheck, publicHealth, type HealthOptions } from './health.js';
import { isLoopbackRequest } from '../loopback.js';
import { installMetrics } from './metrics-endpoint.js';
import { countRecipientsWaiting, processMetrics, type Metrics } from '../observability/metrics.js';

export interface AppOptions {
  /** Tests tune the back office (login rate limit). */
  admin?: AdminOptions;
  /** Tests and benchmarks tune the public site (cache, rate limits); production uses the defaults. */
  publicSite?: PublicSiteOptions;
  health?: HealthOptions;
  /** The metrics /metrics serves; the process's own by default (tests pass their own). */
  metrics?: Metrics;
}

export interface WebApp extends Express {
  /** The public site's cache and background mails, to wait for at shutdown and in tests. */
  readonly publicSite: PublicSite;
}

export async function createApp(ctx: ServiceContext, options: AppOptions = {}): Promise<WebApp> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  installMetrics(app, options.metrics ?? processMetrics(), { token: ctx.config.metricsToken, countWaiting: () => countRecipientsWaiting(ctx.db.sequelize) });

  const health = createHealthCheck(ctx, options.health);
  app.get('/healthz', (req, res, next) => {
    health()
      .then((report) => {
        res.set('Cache-Control', 'no-store');
        // 503 only when this process cannot do its work; a mail outage leaves the pages up (mails wait).
        // The details (which server, its address, its error) only for a probe on this machine.
        res.status(report.status === 'down' ? 503 : 200).json(isLoopbackRequest(req) ? report : publicHealth(report));
      })
      .catch(next);
  });

  await mountAdmin(app, ctx, options.admin);
  const publicSite = await mountPublicSite(app, ctx, options.publicSite);

  // the last resort: the back office and the public site answer their own errors (admin/error-answers.ts,
  // public-site/error-pages.ts); this only sees what failed while one of them was already answering
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    reportError('web', error, ctx.log.error);
    if (!res.headersSent) res.status(500).type('text/plain').send(UNEXPECTED_MESSAGE);
  });
  return Object.assign(app, { publicSite });
}
