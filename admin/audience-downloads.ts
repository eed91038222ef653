// The back office's CSV downloads (plain Express routes: AdminJS actions answer JSON): the user's clients with the
// list's filters, and the rows an import refused. Both for the logged-in user's own records only.
import { Router, type Request, type Response } from 'express';
import { stringify } from 'csv-stringify';
import type { ServiceContext } from '../src/context.js';
import type { Actor } from '../src/access/policy.js';
import { clientExport, neutraliseCell, type ClientFilter } from '../src/audience/export.js';
import type { ClientImports } from '../src/audience/import/import-service.js';
import { answerOf, reportError } from '../src/errors.js';
import { actorOf } from './current-admin.js';

export const EXPORT_PATH = '/admin/audience/clients.csv';

function actorOfRequest(req: Request): Actor | undefined {
  return actorOf(req.session?.adminUser as never);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function date(value: unknown): Date | undefined {
  const parsed = text(value) ? new Date(String(value)) : undefined;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined;
}

/** The list's filters as the list page puts them in its address (filters.email=…), or plain names. */
export function filterOf(query: Record<string, unknown>): ClientFilter {
  const pick = (name: string): unknown => query[`filters.${name}`] ?? query[name];
  return {
    email: text(pick('email')),
    fullName: text(pick('fullName')),
    tag: text(pick('tags')) ?? text(query.tag),
    createdFrom: date(pick('createdAt~~from')),
    createdTo: date(pick('createdAt~~to')),
  };
}

function fail(ctx: ServiceContext, res: Response, error: unknown): void {
  const answer = answerOf(error);
  if (answer.status >= 500) reportError('audience download', error, ctx.log.error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(answer.status).type('text/plain').send(answer.message);
}

export function audienceDownloads(ctx: ServiceContext, imports: ClientImports): Router {
  const router = Router();
  const exporter = clientExport(ctx.db.sequelize);

  router.use('/admin/audience', (req, res, next) => {
    if (!actorOfRequest(req)) {
      res.redirect(302, '/admin/login');
      return;
    }
    next();
  });

  router.get('/admin/audience/clients.csv', (req, res) => {
    const actor = actorOfRequest(req)!;
    res.status(200);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="clients-${new Date().toISOString().slice(0, 10)}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    exporter.write(actor, filterOf(req.query as Record<string, unknown>), res).catch((error: unknown) => fail(ctx, res, error));
  });

  router.get('/admin/audience/imports/:id/refused.csv', (req, res) => {
    const actor = actorOfRequest(req)!;
    void (async () => {
      const pages = imports.refusals(actor, req.params.id);
      const first = await pages.next(); // "not found" before anything is sent
      res.set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="import-${Number(req.params.id)}-refused.csv"`,
        'Cache-Control': 'no-store',
      });
      const csv = stringify({ bom: true, header: true, columns: ['line', 'email', 'reason'], cast: { string: neutraliseCell } });
      csv.pipe(res);
      if (!first.done) {
        for (const row of first.value) csv.write([row.line, row.email, row.reason]);
        for await (const page of pages) for (const row of page) csv.write([row.line, row.email, row.reason]);
      }
      csv.end();
    })().catch((error: unknown) => fail(ctx, res, error));
  });

  return router;
}
