// Clients' resource actions: the CSV import (upload and preview, then confirm; the result of an earlier import)
// and the export page; the record action that clears a hard-bounce mark (the owner, through the audience domain). The screens' work is done by src/audience; failures come back 200 with a notice and the
// field messages, as AdminJS's own forms answer.
import type { ActionContext, ActionRequest } from 'adminjs';
import type { ServiceContext } from '../../src/context.js';
import path from 'node:path';
import { clientImports, type ClientImports, type UploadedCsv } from '../../src/audience/import/import-service.js';
import { answerOf, ValidationError } from '../../src/errors.js';
import { allowed } from '../features/access.feature.js';
import { Components } from '../components/index.js';
import { actorOf } from '../current-admin.js';
import { megabytes } from '../form-body.js';
import { clearBounce } from '../../src/audience/bounced-clients.js';
import { confirmedAction } from '../features/confirmed-action.js';
import { inScreenLanguage } from '../error-answers.js';
import { EXPORT_PATH } from '../audience-downloads.js';

const byContext = new WeakMap<ServiceContext, ClientImports>();

/** The import service of this service context (one per app: the actions and the downloads share it). */
export function importsOf(ctx: ServiceContext): ClientImports {
  let imports = byContext.get(ctx);
  if (!imports) {
    imports = clientImports(ctx.db, { folder: path.join(ctx.config.dataDir, 'imports'), maxBytes: ctx.config.importMaxBytes });
    byContext.set(ctx, imports);
  }
  return imports;
}

/** An expected failure as a body the screen shows; anything else is left to the error handler. */
function failure(error: unknown): { notice: { message: string; type: 'error' }; error: { message: string; fields: Record<string, string> } } {
  const answer = answerOf(error);
  if (answer.status >= 500) throw error;
  // in the screen's language when the catalogue has the sentence
  const message = inScreenLanguage(answer.message);
  const fields = error instanceof ValidationError ? Object.fromEntries(Object.entries(error.fields).map(([field, text]) => [field, inScreenLanguage(text)])) : {};
  return { notice: { message, type: 'error' }, error: { message, fields } };
}

/** The mapping as it arrives: a JSON object, or form fields "mapping.email" … */
function mappingOf(payload: Record<string, unknown>): unknown {
  if (payload.mapping && typeof payload.mapping === 'object') return payload.mapping;
  const flat = Object.entries(payload).filter(([key]) => key.startsWith('mapping.'));
  return Object.fromEntries(flat.map(([key, value]) => [key.slice('mapping.'.length), value]));
}

export function clientActions(ctx: ServiceContext, imports: ClientImports) {
  const mayImport = allowed('clients', 'new');
  const mayList = allowed('clients', 'list');
  return {
    clearBounce: confirmedAction({
      resource: 'clients', action: 'clearBounce', icon: 'RotateCcw', component: Components.ConfirmAction,
      question: 'Clear the bounce mark? The next runs send to this address again; do it once the address is fixed.',
      done: 'The bounce mark is cleared.',
      run: (actor, id) => clearBounce(ctx.db.models, actor, id),
    }),
    importClients: {
      actionType: 'resource',
      icon: 'Upload',
      isAccessible: mayImport,
      isVisible: mayImport,
      showInDrawer: false,
      component: Components.ImportClients,
      handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
        const actor = actorOf(context.currentAdmin)!;
        const limit = { maxBytes: imports.settings.maxBytes, maxSize: megabytes(imports.settings.maxBytes) };
        try {
          if (request.method === 'get') {
            const id = (request.query as Record<string, unknown> | undefined)?.importId;
            return id ? { ...limit, result: await imports.result(actor, id) } : limit;
          }
          const payload = (request.payload ?? {}) as Record<string, unknown>;
          if (payload.step === 'confirm') {
            return { ...limit, result: await imports.confirm(actor, payload.importId, { mapping: mappingOf(payload), onDuplicate: payload.onDuplicate }) };
          }
          return { ...limit, preview: await imports.upload(actor, payload.file as UploadedCsv | undefined) };
        } catch (error) {
          return { ...limit, ...failure(error) };
        }
      },
    },
    exportClients: {
      actionType: 'resource',
      icon: 'Download',
      isAccessible: mayList,
      isVisible: mayList,
      showInDrawer: false,
      component: Components.ExportClients,
      handler: async () => ({ url: EXPORT_PATH }),
    },
  };
}
