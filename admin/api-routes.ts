// Back-office requests AdminJS cannot answer sensibly: an unknown resource or action (AdminJS throws, i.e. a 500)
// is a 404 with a message (a list query that asks for what a resource does not offer, a BadQueryError, is a 400:
// admin/error-answers.ts answers it). Also the mailing form's pickers' own small API (pickerApi).
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type AdminJS from 'adminjs';
import type { ActionDecorator } from 'adminjs';
import type { ServiceContext } from '../src/context.js';
import { can, type Actor } from '../src/access/policy.js';
import { clientSearch } from '../src/audience/search.js';
import { clientTags } from '../src/audience/tags.js';
import { ForbiddenError, NotFoundError } from '../src/errors.js';
import { actorOf } from './current-admin.js';
import { backOfficeAnswer, sendBackOfficeAnswer } from './error-answers.js';

type Kind = 'resource' | 'record' | 'bulk';

/** Resource and action named by a path under the back office (API and screens), and the kind of action it takes. */
export function routeOf(path: string): { resourceId: string; action?: string; kind: Kind; recordId?: string } | undefined {
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
  } catch {
    return undefined; // a malformed escape: not a route of ours
  }
  const [first, second, ...rest] = parts[0] === 'api' ? parts.slice(1) : parts;
  if (first !== 'resources' || !second) return undefined;
  const [segment, a, b] = rest;
  if (segment === undefined) return { resourceId: second, kind: 'resource' };
  if (segment === 'actions') return { resourceId: second, action: a, kind: 'resource' };
  if (segment === 'search') return { resourceId: second, action: 'search', kind: 'resource' };
  if (segment === 'records') return { resourceId: second, action: b, kind: 'record', recordId: a };
  if (segment === 'bulk') return { resourceId: second, action: a, kind: 'bulk' };
  return undefined;
}

function fits(action: ActionDecorator, kind: Kind): boolean {
  if (kind === 'record') return action.isRecordType();
  if (kind === 'bulk') return action.isBulkType();
  return action.isResourceType();
}

function notFound(req: Request, res: Response, message: string): void {
  sendBackOfficeAnswer(req, res, backOfficeAnswer(new NotFoundError(message)));
}

/** For a logged-in person (others go on to AdminJS's login redirect): 404 for what does not exist. */
export function unknownRoutes(admin: AdminJS): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const route = routeOf(req.path);
    if (!route || !(req.session as { adminUser?: unknown } | undefined)?.adminUser) {
      next();
      return;
    }
    let decorated;
    try {
      decorated = admin.findResource(route.resourceId).decorate();
    } catch {
      notFound(req, res, `There is no "${route.resourceId}" in the back office.`);
      return;
    }
    if (route.action === undefined) {
      next();
      return;
    }
    const action = Object.hasOwn(decorated.actions, route.action) ? decorated.actions[route.action] : undefined;
    if (!action || !fits(action, route.kind)) {
      notFound(req, res, `${decorated.id()} has no ${route.kind === 'resource' ? '' : `${route.kind} `}action "${route.action}".`);
      return;
    }
    next();
  };
}

/**
 * The mailing form's pickers (admin/components/client-picker.tsx, tag-picker.tsx): the user's OWN clients found by
 * a piece of e-mail or name (a page and "more", no count), every matching id for "all matching", and the user's
 * tags. Nobody's clients but the logged-in user's, a superuser's neither: a mailing only goes to its owner's.
 */
export function pickerApi(ctx: ServiceContext): Router {
  const router = Router();
  const search = clientSearch(ctx.db.sequelize);
  const tags = clientTags(ctx.db.sequelize);
  const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 200) : '');

  const actorFor = (req: Request, res: Response): Actor | undefined => {
    const actor = actorOf(req.session?.adminUser as never);
    if (!actor) {
      res.status(401).json({ notice: { message: 'Your session has ended. Log in again.', type: 'error' } });
      return undefined;
    }
    if (!can(actor, 'new', 'mailings', { ownerId: actor.id }) && !can(actor, 'list', 'clients', { ownerId: actor.id })) {
      sendBackOfficeAnswer(req, res, backOfficeAnswer(new ForbiddenError('You keep no clients of your own to choose from.')));
      return undefined;
    }
    return actor;
  };
  const answer = (res: Response, work: Promise<unknown>, next: NextFunction): void => {
    work.then((body) => res.set('Cache-Control', 'no-store').json(body), next);
  };

  router.get('/client-picker', (req, res, next) => {
    const actor = actorFor(req, res);
    if (actor) answer(res, search.find(actor.id, text(req.query.q)), next);
  });
  router.get('/client-picker/matching', (req, res, next) => {
    const actor = actorFor(req, res);
    if (actor) answer(res, search.ids(actor.id, text(req.query.q)), next);
  });
  router.get('/tag-picker', (req, res, next) => {
    const actor = actorFor(req, res);
    if (actor) answer(res, tags.search(actor.id, text(req.query.q)).then((found) => ({ tags: found })), next);
  });
  return router;
}
