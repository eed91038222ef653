// The back office's one mapping from errors to answers. Inside an AdminJS action, domain errors become AdminJS
// errors (AdminJS answers them 200 with `record.errors` or a notice, the only shape its forms mark fields from);
// what escapes AdminJS's router is answered here as JSON for the API (text for the screens) with the error's status.
import type { NextFunction, Request, Response } from 'express';
import { ValidationError as AdminValidationError, ForbiddenError as AdminForbiddenError, NotFoundError as AdminNotFoundError } from 'adminjs';
import { answerOf, ConflictError, ForbiddenError, NotFoundError, reportError, ValidationError, type ErrorAnswer } from '../src/errors.js';
import { duplicateOf } from '../src/models/unique-indexes.js';
import { phrase } from './locale/index.js';
import { en } from './locale/en.js';

type Phrase = keyof typeof en.messages;
const PHRASE_OF_ENGLISH = new Map(Object.entries(en.messages).map(([key, text]) => [text, key as Phrase]));

/** The catalogue's sentences with {{…}} parts as patterns over the English the domain writes, the longest first
 * (so "Unknown permission: x. Pick from the list." is not read as "Unknown permission: {{names}}."). */
const PATTERNS: Array<{ key: Phrase; pattern: RegExp; names: string[] }> = Object.entries(en.messages)
  .filter(([, text]) => text.includes('{{'))
  .sort(([, a], [, b]) => b.length - a.length)
  .map(([key, text]) => {
    const names = [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]!);
    const source = text.split(/\{\{\w+\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.+?)');
    return { key: key as Phrase, pattern: new RegExp(`^${source}$`, 's'), names };
  });

/** One sentence of the domain in the screen's language, or undefined when the catalogue does not have it. */
function translated(sentence: string): string | undefined {
  const key = PHRASE_OF_ENGLISH.get(sentence);
  if (key) return phrase('en', key);
  for (const { key: templated, pattern, names } of PATTERNS) {
    const match = pattern.exec(sentence);
    if (match) return phrase('en', templated, Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])));
  }
  return undefined;
}

/**
 * A message the domain wrote in English, in the screen's language when the catalogue has it (else as it is). A
 * form's summary joins its fields' sentences with ". ": each is translated, and the whole only if all of them are.
 */
export function inScreenLanguage(message: string): string {
  const whole = translated(message);
  if (whole !== undefined) return whole;
  const parts = message.split('. ');
  if (parts.length < 2) return message;
  const each = parts.map((part, i) => translated(part) ?? (i < parts.length - 1 ? translated(`${part}.`) : undefined));
  return each.every((part) => part !== undefined) ? each.map((part) => part!.replace(/\.$/, '')).join('. ') : message;
}

/** Domain (and Sequelize) errors as AdminJS errors, so the screens show them (forms: next to the fields). */
export function toAdminError(error: unknown): unknown {
  if (error instanceof ValidationError) {
    const fields = Object.fromEntries(Object.entries(error.fields).map(([field, message]) => [field, { message: inScreenLanguage(message) }]));
    return new AdminValidationError(fields, { message: inScreenLanguage(error.message) });
  }
  if (error instanceof ForbiddenError) return new AdminForbiddenError(error.message);
  if (error instanceof NotFoundError) return new AdminNotFoundError(error.message, 'record');
  if (error instanceof Error && error.name === 'SequelizeUniqueConstraintError') {
    const duplicate = duplicateOf(error);
    if (duplicate) {
      // in the language of the screen that sent the form (English outside a request)
      const message = phrase('en', duplicate.key);
      return new AdminValidationError({ [duplicate.field]: { message } }, { message });
    }
    return new AdminValidationError({}, { message: 'A record with these values already exists (e.g. the same e-mail address).' });
  }
  if (error instanceof Error && error.name === 'SequelizeValidationError') {
    const items = (error as Error & { errors?: Array<{ path?: string; message: string }> }).errors ?? [];
    const fields = Object.fromEntries(items.filter((item) => item.path).map((item) => [item.path!, { message: inScreenLanguage(item.message) }]));
    return new AdminValidationError(fields, { message: items.map((item) => inScreenLanguage(item.message)).join('; ') || error.message });
  }
  if (error instanceof Error && error.name === 'SequelizeForeignKeyConstraintError') {
    return new AdminValidationError({}, { message: 'This record is still used elsewhere (e.g. a message by a mailing): remove that use first.' });
  }
  return error;
}

/**
 * A record action's failure that leaves the record as it is and only needs saying ("already sending"): the
 * notice's message, answered 200 on the same record instead of an error page. Undefined for any other error.
 */
export function actionNotice(error: unknown): string | undefined {
  return error instanceof ConflictError ? inScreenLanguage(error.message) : undefined;
}

/** JSON in the shape of an AdminJS list answer, so its screens show the notice. */
export interface NoticeBody {
  notice: { message: string; type: 'error' };
  records: [];
}

export function noticeBody(message: string): NoticeBody {
  return { notice: { message, type: 'error' }, records: [] };
}

export interface BackOfficeAnswer {
  status: number;
  body: NoticeBody;
}

/** The answer to an error that escaped AdminJS: its status and a notice; never the internals of an unexpected one. */
export function backOfficeAnswer(error: unknown): BackOfficeAnswer {
  // AdminJS throws (instead of answering) for a bulk action on ids that are not found, e.g. someone else's
  const answer: ErrorAnswer = error instanceof AdminNotFoundError
    ? { status: 404, message: 'Nothing was found for these ids.', askerCanMend: true }
    : answerOf(error);
  return { status: answer.status, body: noticeBody(answer.message) };
}

/** Sends an answer: JSON under the API, the message as text for a screen's address (paths below the back office's root). */
export function sendBackOfficeAnswer(req: Request, res: Response, answer: BackOfficeAnswer): void {
  if (req.path.startsWith('/api/')) res.status(answer.status).json(answer.body);
  else res.status(answer.status).type('text/plain').send(answer.body.notice.message);
}

/** The back office's error handler: our own failures are logged with their stack, the asker's are only answered. */
export function backOfficeErrorHandler(log: (line: string) => void) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    const answer = backOfficeAnswer(error);
    if (answer.status >= 500) reportError('back office', error, log);
    if (res.headersSent) return next(error);
    sendBackOfficeAnswer(req, res, answer);
  };
}
