// The public site's languages: one i18next catalogue per language (public-site/locale/en.json, ru.json), the
// language of each visit (the switcher's `lang` cookie, shared with the back office, else Accept-Language, else
// APP_LOCALE), and the switcher's route. Pages get `t`, `lang` and the formatters through res.locals.
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { Router, type RequestHandler, type Response } from 'express';
import { projectRoot } from '../src/paths.js';
import { formatDay, formatNumber, isLanguage, LANGUAGE_COOKIE, LANGUAGES, visitLanguage, type Language } from '../src/languages.js';

export const LOCALE_DIR = path.join(projectRoot, 'public-site', 'locale');

export function readCatalogue(language: Language): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(LOCALE_DIR, `${language}.json`), 'utf8')) as Record<string, unknown>;
}

const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: Object.fromEntries(LANGUAGES.map((language) => [language, { translation: readCatalogue(language) }])),
  supportedLngs: [...LANGUAGES],
  fallbackLng: false,
  // EJS escapes what it prints (<%= %>): escaping here too would show "&amp;"
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function translator(language: Language): TFunction {
  return i18n.getFixedT(language);
}

const A_YEAR_MS = 365 * 24 * 3600 * 1000;

export interface SiteLocals {
  lang: Language;
  t: TFunction;
  formatDate: (date: Date) => string;
  formatNumber: (value: number) => string;
}

/** The language and formatters of a page. Dates are days in the service's zone (APP_TIMEZONE). */
export function siteLocals(language: Language, timeZone: string): SiteLocals {
  return {
    lang: language,
    t: translator(language),
    formatDate: (date) => formatDay(date, language, timeZone),
    formatNumber: (value) => formatNumber(value, language),
  };
}

/** The translator of the page being answered (English when no language was set). */
export function pageTranslator(res: Response): TFunction {
  return (res.locals as { t?: TFunction }).t ?? translator('en');
}

export function languageOfResponse(res: Response): Language {
  const lang = (res.locals as { lang?: unknown }).lang;
  return isLanguage(lang) ? lang : 'en';
}

/** Puts the visit's language and formatters into res.locals for the views. */
export function withSiteLanguage(fallback: Language, timeZone: string): RequestHandler {
  return (req, res, next) => {
    const language = visitLanguage({ cookieHeader: req.headers.cookie, acceptLanguage: req.headers['accept-language'] }, fallback);
    Object.assign(res.locals, siteLocals(language, timeZone));
    res.vary('Accept-Language');
    res.vary('Cookie');
    next();
  };
}

/** Only a path on this site: "/blog?page=2", never "//elsewhere" or "https://…". */
function samePath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) && value.length <= 2000 ? value : '/';
}

/** GET /language/ru?back=/blog: keeps the choice in the `lang` cookie (the back office reads it too) and goes back. */
export function languageSwitchRouter(secure: boolean): Router {
  const router = Router();
  router.get('/language/:lang', (req, res) => {
    const wanted = req.params.lang;
    if (!isLanguage(wanted)) {
      res.status(404).type('text/plain').send('Unknown language');
      return;
    }
    res.cookie(LANGUAGE_COOKIE, wanted, { path: '/', sameSite: 'lax', secure, maxAge: A_YEAR_MS, encode: String });
    res.set('Cache-Control', 'no-store');
    res.redirect(303, samePath(req.query.back));
  });
  return router;
}

/**
 * The domain's sentences (src/accounts speaks English) in the page's language: known sentences have a catalogue
 * entry under `rules`; an unknown one is shown as it is rather than lost.
 */
export function translateRule(t: TFunction, sentence: string): string {
  const en = translator('en');
  const rules = readRuleKeys();
  for (const key of rules) {
    if (en(`rules.${key}`) === sentence) return t(`rules.${key}`);
  }
  const short = /^Use at least (\d+) characters\.$/.exec(sentence);
  if (short) return t('rules.passwordTooShort', { count: Number(short[1]) });
  const long = /^Use at most (\d+) bytes/.exec(sentence);
  if (long) return t('rules.passwordTooLong', { count: Number(long[1]) });
  return sentence;
}

let ruleKeys: string[] | undefined;
function readRuleKeys(): string[] {
  ruleKeys ??= Object.keys((readCatalogue('en').rules ?? {}) as Record<string, string>).filter((key) => !key.startsWith('passwordToo'));
  return ruleKeys;
}

/** Every field message of a ValidationError in the page's language. */
export function translateFields(t: TFunction, fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([field, sentence]) => [field, translateRule(t, sentence)]));
}
