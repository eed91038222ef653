// GET /admin/api/progress[?mailingId=…]: the runs going on now that the logged-in person may see (src/reports),
// as JSON for the screens that poll it (the dashboard, a mailing's page). Not cached, compressed like every answer.
import type { RequestHandler } from 'express';
import type { ServiceContext } from '../src/context.js';
import { runningProgress } from '../src/reports/progress.js';
import { actorOf } from './current-admin.js';
import type { CurrentAdmin } from 'adminjs';

export const PROGRESS_PATH = '/api/progress';

export function progressHandler(ctx: ServiceContext): RequestHandler {
  return (req, res, next) => {
    const actor = actorOf((req.session as { adminUser?: CurrentAdmin } | undefined)?.adminUser);
    res.set('Cache-Control', 'no-store');
    if (!actor) {
      res.status(401).json({ notice: { message: 'Your session has ended. Log in again.', type: 'error' } });
      return;
    }
    const asked = req.query.mailingId;
    let mailingId: number | undefined;
    if (asked !== undefined) {
      mailingId = typeof asked === 'string' && /^\d{1,10}$/.test(asked) ? Number(asked) : NaN;
      if (!Number.isSafeInteger(mailingId)) {
        res.status(400).json({ notice: { message: 'mailingId must be a mailing number.', type: 'error' } });
        return;
      }
    }
    runningProgress(ctx.db.models, actor, { mailingId })
      .then((runs) => res.json({ runs }))
      .catch(next);
  };
}
