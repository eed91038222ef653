// The public site's one mapping from errors to pages: the visitor's mistakes (a form the body parser refused, an
// operational 4xx from the domain) get their status and a page saying what to do; our own failures a 500 page
// that says nothing of their internals, and a line with the stack in the log.
import type { NextFunction, Request, Response } from 'express';
import { answerOf, isOperational, reportError } from '../src/errors.js';
import type { TFunction } from 'i18next';
import { sendView } from './render.js';
import { translateRule, translator } from './i18n.js';

export interface ErrorPage {
  status: number;
  title: string;
  message: string;
  /** True when the failure is ours: logged, and only ever told as "something went wrong". */
  ours: boolean;
}

const TITLED_STATUSES = new Set([400, 403, 404, 409]);

/**
 * A form the body parser refused (too large, too many fields, malformed): body-parser's errors carry a 4xx status
 * and a type such as 'entity.too.large'.
 */
function unreadableForm(error: unknown, t: TFunction): ErrorPage | null {
  if (isOperational(error)) return null;
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || typeof type !== 'string') return null;
  if (status === 413) {
    return { status, title: t('errors.tooLongTitle'), message: t('errors.tooLongMessage'), ours: false };
  }
  return { status, title: t('errors.unreadableTitle'), message: t('errors.unreadableMessage'), ours: false };
}

/** The page that answers an error, in the page's language (English by default). */
export function errorPage(error: unknown, t: TFunction = translator('en')): ErrorPage {
  const refused = unreadableForm(error, t);
  if (refused) return refused;
  const answer = answerOf(error);
  if (!answer.askerCanMend) return { status: answer.status, title: t('errors.oursTitle'), message: t('errors.oursMessage'), ours: true };
  const title = t(`errors.title${TITLED_STATUSES.has(answer.status) ? answer.status : 400}`);
  return { status: answer.status, title, message: translateRule(t, answer.message), ours: false };
}

/** The public site's error handler (mounted last on its router). */
export function siteErrorHandler(log: (line: string) => void) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const page = errorPage(error, (res.locals as { t?: TFunction }).t);
    if (page.ours) reportError('public site', error, log);
    if (res.headersSent) return next(error);
    // a refused body may still be arriving: close the connection rather than read the rest
    if (page.status === 413) res.set('Connection', 'close');
    const { title, message } = page;
    sendView(res, 'error', { title, message }, page.status).catch(() => next(error));
  };
}
