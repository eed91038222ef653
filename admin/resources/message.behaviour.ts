// How messages are written in the back office: through the message domain functions (sanitise, text part,
// template checks), their problems put on the form's fields in the reader's language.
import type { ServiceContext } from '../../src/context.js';
import { ValidationError } from '../../src/errors.js';
import { MessageProblemsError, type MessageDraft, type MessageField, type MessageProblem } from '../../src/messages/compose.js';
import { createMessageService, type MessageService } from '../../src/messages/message-service.js';
import { TEMPLATE_VARIABLES } from '../../src/messages/template.js';
import { textToHtml } from '../../src/messages/sanitise.js';
import type { Language } from '../../src/languages.js';
import { phrase } from '../locale/index.js';
import type { Params, ResourceBehaviour } from '../scoped-resource.js';

/** The fields a message form shows and the only ones a write accepts (body: the plain-text part). */
export const MESSAGE_FIELDS = ['subject', 'html', 'textCustom', 'body'];

/** The form field each part's problem is shown on. */
const FIELD_OF: Record<MessageField, string> = { subject: 'subject', html: 'html', text: 'body' };

/** One problem in words, in the request's language. */
export function problemText(fallback: Language, problem: MessageProblem): string {
  switch (problem.code) {
    case 'syntax':
      return phrase(fallback, 'templateSyntax', { line: problem.line, reason: problem.reason });
    case 'unknownVariable':
      return phrase(fallback, 'templateUnknownVariable', { line: problem.line, name: problem.name, known: TEMPLATE_VARIABLES.join(', ') });
    case 'forbiddenTag':
      return phrase(fallback, 'templateForbiddenTag', { line: problem.line, name: problem.name });
    case 'tooCostly':
      return phrase(fallback, 'templateTooCostly', { reason: problem.reason });
    case 'embeddedImage':
      return phrase(fallback, 'messageEmbeddedImage', { count: problem.count });
  }
}

/** The message problems as the form's field errors. */
export function asFieldErrors(fallback: Language, error: unknown): unknown {
  if (!(error instanceof MessageProblemsError)) return error;
  const fields: Record<string, string> = {};
  for (const [part, problem] of Object.entries(error.problems) as Array<[MessageField, MessageProblem]>) fields[FIELD_OF[part]] = problemText(fallback, problem);
  return new ValidationError(Object.values(fields).join(' '), fields);
}

const truthy = (value: unknown): boolean => value === true || value === 'true' || value === 'on' || value === '1';

/**
 * A form payload as a draft: the text part counts only when the person says they write it themselves. A payload
 * with a plain-text body and no HTML (an API client of the plain-text days) is a hand-written text part, shown as
 * HTML too when the message is new.
 */
function draftOf(params: Params, isNew: boolean): Partial<MessageDraft> {
  const draft: Partial<MessageDraft> = {};
  if (typeof params.subject === 'string') draft.subject = params.subject;
  if (typeof params.html === 'string') draft.html = params.html;
  if (params.textCustom !== undefined) draft.textOverride = truthy(params.textCustom) && typeof params.body === 'string' ? params.body : null;
  else if (typeof params.body === 'string' && draft.html === undefined) {
    draft.textOverride = params.body;
    if (isNew) draft.html = textToHtml(params.body);
  }
  return draft;
}

export function messageService(ctx: ServiceContext): MessageService {
  return createMessageService({ models: ctx.db.models, transport: ctx.mail.transport });
}

export function messageBehaviour(ctx: ServiceContext, service: MessageService): ResourceBehaviour {
  const fallback = ctx.config.appLocale;
  return {
    editable: () => MESSAGE_FIELDS,
    // bodies can be 1 MB each: lists and pickers carry the subject only
    detailOnly: ['body', 'html'],
    async create(actor, params) {
      try {
        const draft = draftOf(params, true);
        return (await service.create(actor, { subject: draft.subject ?? '', html: draft.html ?? '', textOverride: draft.textOverride })).toJSON();
      } catch (error) {
        throw asFieldErrors(fallback, error);
      }
    },
    async update(actor, id, params) {
      try {
        return (await service.update(actor, id, draftOf(params, false))).toJSON();
      } catch (error) {
        throw asFieldErrors(fallback, error);
      }
    },
  };
}
