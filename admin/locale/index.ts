// The back office's languages for AdminJS: both catalogues, the language switcher in the top bar, and each page in
// the language its visitor gets (the switcher's choice, else the browser's Accept-Language, else APP_LOCALE).
//
// AdminJS renders its pages (the login page too) from `options.locale`, which may be a function; it is called
// while a page is rendered but is given no request. So the language of the request is kept in an
// AsyncLocalStorage for the time of the request. In the browser, i18next's language detector decides again from
// the same sources (the switcher's cookie, then navigator.languages, which is what Accept-Language is made from),
// so a page shows the right language even where the server could not tell.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Locale } from 'adminjs';
import type { Request, RequestHandler } from 'express';
import { isLanguage, LANGUAGES, pickLanguage, type Language } from '../../src/languages.js';
import { en } from './en.js';
import { ru } from './ru.js';

export const translations = { en, ru };

/** The cookie where the language switcher keeps a person's choice (written by i18next in the browser). */
export const LANGUAGE_COOKIE = 'lang';
const A_YEAR_IN_MINUTES = 365 * 24 * 60;

const requestLanguage = new AsyncLocalStorage<Language>();

function cookie(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return decodeURIComponent(pair.slice(at + 1).trim());
  }
  return undefined;
}

/** The language of a request: the switcher's choice, else the browser's Accept-Language, else the fallback. */
export function languageOf(req: Request, fallback: Language): Language {
  const chosen = cookie(req, LANGUAGE_COOKIE);
  return isLanguage(chosen) ? chosen : pickLanguage(req.headers['accept-language'], fallback);
}

/** Runs the rest of the request with its language known to the pages AdminJS renders. */
export function withRequestLanguage(fallback: Language): RequestHandler {
  return (req, _res, next) => requestLanguage.run(languageOf(req, fallback), next);
}

/**
 * After the session is read: a person who chose a language in their profile gets it, whatever the browser says.
 * The `lang` cookie is set to it as well, because the page's scripts choose their language from that cookie.
 */
export function withProfileLanguage(): RequestHandler {
  return (req, res, next) => {
    const language = (req as Request & { session?: { adminUser?: { language?: unknown } } }).session?.adminUser?.language;
    if (!isLanguage(language)) return next();
    if (cookie(req, LANGUAGE_COOKIE) !== language) {
      res.cookie(LANGUAGE_COOKIE, language, { path: '/', sameSite: 'lax', maxAge: A_YEAR_IN_MINUTES * 60_000, encode: String });
    }
    requestLanguage.run(language, next);
  };
}

/**
 * AdminJS's `authenticate`, made to restore the request's language first. AdminJS reads the login form before it
 * calls it, and the request's language does not survive that reading (the form parser calls back outside the
 * request's async context), so the page saying that a login failed would be rendered in APP_LOCALE. The page is
 * rendered after `authenticate` returns, in the same context, which `enterWith` gives the language again.
 */
export function inRequestLanguage<U>(
  authenticate: (email: unknown, password: unknown, context?: { req: Request }) => Promise<U>,
  fallback: Language,
): (email: unknown, password: unknown, context?: { req: Request }) => Promise<U> {
  return (email, password, context) => {
    if (context?.req && requestLanguage.getStore() === undefined) requestLanguage.enterWith(languageOf(context.req, fallback));
    return authenticate(email, password, context);
  };
}

/** AdminJS's `locale` option. `fallback` is APP_LOCALE: the language of a request whose language is not known. */
export function adminLocale(fallback: Language): () => Locale {
  return () => ({
    language: requestLanguage.getStore() ?? fallback,
    availableLanguages: [...LANGUAGES],
    translations,
    localeDetection: true,
    detection: {
      order: ['cookie', 'navigator'],
      lookupCookie: LANGUAGE_COOKIE,
      caches: ['cookie'],
      cookieMinutes: A_YEAR_IN_MINUTES,
      cookieOptions: { path: '/', sameSite: 'lax' },
    },
  });
}

type Phrase = keyof typeof en.messages;

/** A sentence the server writes into a record (not translated by the browser), in the request's language. */
export function phrase(fallback: Language, key: Phrase, values: Record<string, string | number> = {}): string {
  const language = requestLanguage.getStore() ?? fallback;
  const template: string = translations[language].messages[key];
  const locale = language === 'ru' ? 'ru-RU' : 'en-US';
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    return typeof value === 'number' ? value.toLocaleString(locale) : String(value ?? '');
  });
}

/** An attempt's status and trigger as their labels in the request's language. */
export function attemptLabels(fallback: Language, status: string, trigger: string): { status: string; trigger: string } {
  const catalogue = translations[requestLanguage.getStore() ?? fallback];
  const statuses: Record<string, string> = catalogue.resources.attempts.labels.status;
  const triggers: Record<string, string> = catalogue.labels.trigger;
  return { status: statuses[status] ?? status, trigger: triggers[trigger] ?? trigger };
}

/** The language of the request being answered (APP_LOCALE outside a request): for dates the server writes. */
export function pageLanguage(fallback: Language): Language {
  return requestLanguage.getStore() ?? fallback;
}
