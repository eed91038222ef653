// A record action that changes something (disable, block, send now): a GET shows the confirmation screen, only a
// POST acts, through a domain function; access comes from the policy for the record.
import type { Action as AdminAction, ActionContext, ActionRequest, RecordActionResponse } from 'adminjs';
type ActionOptions = Partial<AdminAction<RecordActionResponse>>;
import { assertCan, type Action, type Actor, type ResourceName } from '../../src/access/policy.js';
import { actorOf } from '../current-admin.js';
import { actionNotice, toAdminError } from '../error-answers.js';
import { allowed, factsOf } from './access.feature.js';

export interface ConfirmedAction {
  resource: ResourceName;
  action: Action;
  icon: string;
  /**
   * What the confirmation screen asks, and what the notice says when done, in English: only used when the
   * catalogue (admin/locale) lacks the resource's "<action>Confirm" / "<action>Done" message.
   */
  question: string;
  done: string;
  run: (actor: Actor, id: number) => Promise<unknown>;
  component: string;
}

export function confirmedAction(spec: ConfirmedAction): ActionOptions {
  const check = allowed(spec.resource, spec.action);
  return {
    actionType: 'record',
    icon: spec.icon,
    isAccessible: check,
    isVisible: check,
    component: spec.component,
    custom: { question: spec.question },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
      const { record, resource, currentAdmin, h } = context;
      if (!record) throw new Error('a record action without a record');
      if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
      const actor = actorOf(currentAdmin);
      const id = Number(record.id());
      try {
        assertCan(actor, spec.action, spec.resource, factsOf(record));
        await spec.run(actor!, id);
      } catch (error) {
        // "already sending" and the like: the record is fine, the action waits; a notice, not an error page
        const notice = actionNotice(error);
        if (notice !== undefined) return { record: record.toJSON(currentAdmin), notice: { message: notice, type: 'error' } };
        throw toAdminError(error);
      }
      const fresh = (await resource.findOne(String(id), context)) ?? record;
      return {
        record: fresh.toJSON(currentAdmin),
        // a catalogue key the screen translates, with the English as its fallback
        notice: { message: `${spec.action}Done`, resourceId: resource.id(), options: { defaultValue: spec.done }, type: 'success' },
        redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: String(id), actionName: 'show' }),
      };
    },
  };
}
