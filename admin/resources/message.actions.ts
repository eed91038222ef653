// Message record actions: the preview (rendered for one of the owner's clients or sample data) and "send a test
// to me"; both through the message domain functions, the access from the policy (showing the message).
import type { ActionContext, ActionRequest } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import { isOperational } from '../../src/errors.js';
import { TEST_SEND_LIMIT, TEST_SEND_WINDOW_MS, TestSendLimitError, type MessageService } from '../../src/messages/message-service.js';
import { TEMPLATE_VARIABLES } from '../../src/messages/template.js';
import { allowed } from '../features/access.feature.js';
import { actorOf } from '../current-admin.js';
import { toAdminError } from '../error-answers.js';
import { phrase } from '../locale/index.js';
import { Components } from '../components/index.js';

function recordOf(context: ActionContext) {
  if (!context.record) throw new Error('a record action without a record');
  return context.record;
}

export function messageActions(ctx: ServiceContext, service: MessageService) {
  const mayShow = allowed('messages', 'show');
  const fallback = ctx.config.appLocale;
  return {
    preview: {
      actionType: 'record',
      icon: 'Eye',
      isAccessible: mayShow,
      isVisible: mayShow,
      component: Components.MessagePreview,
      // GET ?clientId=12 (none: sample data); the clients offered are the message owner's only
      handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
        const record = recordOf(context);
        const actor = actorOf(context.currentAdmin)!;
        const id = Number(record.id());
        const clientId = (request.query as Record<string, string> | undefined)?.clientId;
        try {
          const [preview, clients] = await Promise.all([service.preview(actor, id, clientId ? Number(clientId) : null), service.previewClients(actor, id)]);
          return { record: record.toJSON(context.currentAdmin), preview, clients, variables: TEMPLATE_VARIABLES, testSendLimit: { count: TEST_SEND_LIMIT, minutes: TEST_SEND_WINDOW_MS / 60_000 } };
        } catch (error) {
          throw toAdminError(error);
        }
      },
    },
    sendTest: {
      actionType: 'record',
      icon: 'Send',
      isAccessible: mayShow,
      isVisible: false,
      showInDrawer: false,
      handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
        const record = recordOf(context);
        const json = record.toJSON(context.currentAdmin);
        if (request.method !== 'post') return { record: json };
        const actor = actorOf(context.currentAdmin)!;
        const clientId = (request.payload as Record<string, string> | undefined)?.clientId;
        try {
          const sent = await service.sendTest(actor, Number(record.id()), clientId ? Number(clientId) : null);
          return { record: json, notice: { message: phrase(fallback, 'testSent', { to: sent.to }), type: 'success' } };
        } catch (error) {
          if (error instanceof TestSendLimitError) {
            const wait = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
            return { record: json, notice: { message: phrase(fallback, 'testSendLimit', { count: TEST_SEND_LIMIT, minutes: TEST_SEND_WINDOW_MS / 60_000, wait }), type: 'error' } };
          }
          // the mail server said no: the record is fine, the person is told what the server said
          if (isOperational(error) && error.status === 502) return { record: json, notice: { message: error.message, type: 'error' } };
          throw toAdminError(error);
        }
      },
    },
  };
}
