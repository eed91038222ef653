// The public site's one mapping from errors to pages: the visitor's mistakes (a form the body parser refused, an
// operational 4xx from the domain) get their status and a page saying what to do; our own failures a 500 page
// that says nothing of their internals, and a line with the stack in the log.
import type { NextFunction, Request, Response } from 'express';
import { answerOf, isOperational, reportError } from '../src/errors.js';
import { sendView } from './render.js';

export interface ErrorPage {
  status: number;
  title: string;
  message: string;
  /** True when the failure is ours: logged, and only ever told as "something went wrong". */
  ours: boolean;
}

const OURS: Omit<ErrorPage, 'status'> = {
  title: 'Something went wrong',
  message: 'Something went wrong on our side. Please try again in a moment.',
  ours: true,
};

const TITLES: Record<number, string> = {
  400: 'This request could not be handled',
  403: 'This is not allowed',
  404: 'Page not found',
  409: 'This cannot be done right now',
};

/**
 * A form the body parser refused (too large, too many fields, malformed): body-parser's errors carry a 4xx status
 * and a type such as 'entity.too.large'.
 */
function unreadableForm(error: unknown): ErrorPage | null {
  if (isOperational(error)) return null;
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || typeof type !== 'string') return null;
  if (status === 413) {
    return { status, title: 'This form is too long', message: 'What you sent is longer than this form accepts. Go back, shorten what you typed and send it again.', ours: false };
  }
  return { status, title: 'This form could not be read', message: 'Your browser sent something we could not read. Go back, reload the page and send the form again.', ours: false };
}

/** The page that answers an error. */
export function errorPage(error: unknown): ErrorPage {
  const refused = unreadableForm(error);
  if (refused) return refused;
  const answer = answerOf(error);
  if (!answer.askerCanMend) return { status: answer.status, ...OURS };
  return { status: answer.status, title: TITLES[answer.status] ?? TITLES[400]!, message: answer.message, ours: false };
}

/** The public site's error handler (mounted last on its router). */
export function siteErrorHandler(log: (line: string) => void) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const page = errorPage(error);
    if (page.ours) reportError('public site', error, log);
    if (res.headersSent) return next(error);
    // a refused body may still be arriving: close the connection rather than read the rest
    if (page.status === 413) res.set('Connection', 'close');
    const { title, message } = page;
    sendView(res, 'error', { title, message }, page.status).catch(() => next(error));
  };
}
