// The web side of the metrics: every request's duration by route pattern, and GET /metrics for Prometheus,
// behind a Bearer token (METRICS_TOKEN; unset, /metrics does not exist: 404).
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import type { Metrics } from '../observability/metrics.js';

/**
 * The route a request matched, as its pattern ("/admin/api/resources/:resourceId/records/:recordId/:action"),
 * never its URL: ids would make one series per record. What no route matched (static files, 404s) is grouped
 * under its mount point ("/admin/frontend/*") or `unmatched`.
 */
export function routeLabel(req: Request): string {
  const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}` || '/';
  if (pattern instanceof RegExp) return `${req.baseUrl}${pattern.source}`;
  return req.baseUrl ? `${req.baseUrl}/*` : 'unmatched';
}

function timeRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const record = (): void => {
      if (done) return;
      done = true;
      metrics.httpRequest(req.method, routeLabel(req), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', record);
    // a client that went away before the answer ended: counted with the status set so far
    res.once('close', record);
    next();
  };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // hashed first: timingSafeEqual wants equal lengths, and the comparison must not tell the length
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

function serveMetrics(metrics: Metrics, token: string | undefined): RequestHandler {
  return (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (token === undefined) {
      res.status(404).type('text/plain').send('Not found: /metrics is off until METRICS_TOKEN is set.');
      return;
    }
    if (!bearerMatches(req.get('authorization'), token)) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send('Send the header "Authorization: Bearer <METRICS_TOKEN>".');
      return;
    }
    metrics.registry
      .metrics()
      // a Buffer, so that Express leaves prom-client's Content-Type (version=0.0.4) as it is
      .then((text) => res.set('Content-Type', metrics.registry.contentType).send(Buffer.from(text, 'utf8')))
      .catch(next);
  };
}

/** Mounted first, so that every later route is timed; `/metrics` itself is answered here. */
export function installMetrics(app: Express, metrics: Metrics, options: { token: string | undefined; countWaiting?: () => Promise<number> }): void {
  if (options.countWaiting) metrics.countWaitingWith(options.countWaiting);
  app.use(timeRequests(metrics));
  app.get('/metrics', serveMetrics(metrics, options.token));
}
