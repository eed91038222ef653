// The dashboard's data handler: the figures of src/reports for the logged-in person.
import type { ServiceContext } from '../src/context.js';
import { dashboardFor } from '../src/reports/dashboard.js';
import { actorOf } from './current-admin.js';
import type { CurrentAdmin } from 'adminjs';

export function dashboardHandler(ctx: ServiceContext) {
  return async (_request: unknown, _response: unknown, context: { currentAdmin?: CurrentAdmin }) => {
    const actor = actorOf(context.currentAdmin);
    const data = await dashboardFor(ctx.db.models, actor);
    const name = (context.currentAdmin as { title?: string } | undefined)?.title ?? '';
    // the screen greets in the person's language
    return { ...data, name };
  };
}
