// The Express application (no listening here, so tests can mount it on an ephemeral port).
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ServiceContext } from './context.js';
import { reportError } from './errors.js';
import { mountAdmin } from '../admin/index.js';
import { mountPublicSite } from '../public-site/index.js';

export async function createApp(ctx: ServiceContext): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', async (_req, res) => {
    const database = await ctx.db.sequelize
      .query('SELECT 1')
      .then(() => 'ok')
      .catch((error: Error) => `error: ${error.message}`);
    res.status(database === 'ok' ? 200 : 503).json({ status: database === 'ok' ? 'ok' : 'degraded', database });
  });

  await mountAdmin(app, ctx);
  await mountPublicSite(app, ctx);

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    reportError('web', error, ctx.log.error);
    if (!res.headersSent) res.status(500).type('text/plain').send('Something went wrong on our side. Please try again.');
  });
  return app;
}
