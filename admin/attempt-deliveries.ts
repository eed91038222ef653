// GET /admin/api/attempts/:id/deliveries[?status=…&after=…&perPage=…]: a page of one run's deliveries for the run's
// page (admin/components/attempt-deliveries.tsx), scoped by the policy in src/reports (another user's run: 404).
// One query per page (keyset paging on the delivery id), so a run of a million recipients pages as fast as a small one.
import type { RequestHandler } from 'express';
import type { CurrentAdmin } from 'adminjs';
import { Op } from 'sequelize';
import type { ServiceContext } from '../src/context.js';
import { scope } from '../src/access/policy.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../src/models/delivery.js';
import { attemptDeliveries, DELIVERY_PAGE_MAX } from '../src/reports/deliveries.js';
import { actorOf } from './current-admin.js';

export const ATTEMPT_DELIVERIES_PATH = '/api/attempts/:attemptId/deliveries';

const WHOLE = /^\d{1,15}$/;

export function attemptDeliveriesHandler(ctx: ServiceContext): RequestHandler {
  return (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const actor = actorOf((req.session as { adminUser?: CurrentAdmin } | undefined)?.adminUser);
    if (!actor) {
      res.status(401).json({ notice: { message: 'Your session has ended. Log in again.', type: 'error' } });
      return;
    }
    const bad = (message: string): void => void res.status(400).json({ notice: { message, type: 'error' } });
    const { status, after, perPage } = req.query;
    const attemptId = WHOLE.test(req.params.attemptId ?? '') ? Number(req.params.attemptId) : NaN;
    if (!Number.isSafeInteger(attemptId)) return bad('The run must be given by its number.');
    if (status !== undefined && status !== '' && !DELIVERY_STATUSES.includes(status as DeliveryStatus)) {
      return bad(`status must be one of ${DELIVERY_STATUSES.join(', ')}.`);
    }
    if (after !== undefined && (typeof after !== 'string' || !WHOLE.test(after))) return bad('after must be a delivery number.');
    if (perPage !== undefined && (typeof perPage !== 'string' || !WHOLE.test(perPage) || Number(perPage) < 1 || Number(perPage) > DELIVERY_PAGE_MAX)) {
      return bad(`perPage must be a number from 1 to ${DELIVERY_PAGE_MAX}.`);
    }
    const options = {
      status: status ? (status as DeliveryStatus) : undefined,
      after: after === undefined ? undefined : Number(after),
      perPage: perPage === undefined ? undefined : Number(perPage),
    };
    (async () => {
      const page = await attemptDeliveries(ctx.db.models, actor, attemptId, options);
      // an empty first page: say whether the run exists for this person at all (only then a second query)
      if (page.deliveries.length === 0 && options.after === undefined) {
        const visible = await ctx.db.models.Attempt.count({ where: { [Op.and]: [{ id: attemptId }, scope(actor, 'attempts')] } });
        if (visible === 0) {
          res.status(404).json({ notice: { message: 'There is no such run among your reports.', type: 'error' } });
          return;
        }
      }
      res.json(page);
    })().catch(next);
  };
}
