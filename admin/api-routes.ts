// Back-office requests AdminJS cannot answer sensibly: an unknown resource or action (AdminJS throws, i.e. a 500)
// is a 404 with a message (a list query that asks for what a resource does not offer, a BadQueryError, is a 400:
// admin/error-answers.ts answers it).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type AdminJS from 'adminjs';
import type { ActionDecorator } from 'adminjs';
import { NotFoundError } from '../src/errors.js';
import { backOfficeAnswer, sendBackOfficeAnswer } from './error-answers.js';

type Kind = 'resource' | 'record' | 'bulk';

/** Resource and action named by a path under the back office (API and screens), and the kind of action it takes. */
function routeOf(path: string): { resourceId: string; action?: string; kind: Kind } | undefined {
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
  if (segment === 'records') return { resourceId: second, action: b, kind: 'record' };
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
