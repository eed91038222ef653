// Renders the site's EJS views (compiled once, escaped by default) and sends them as HTML.
import path from 'node:path';
import ejs from 'ejs';
import type { Response } from 'express';
import { projectRoot } from '../src/paths.js';
import { siteLocals, type SiteLocals } from './i18n.js';

export const VIEWS_DIR = path.join(projectRoot, 'public-site', 'views');

/** Splits text into paragraphs on blank lines; the view escapes each one, so no markup ever passes through. */
export function paragraphs(text: string): string[][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => block.split('\n'));
}

/** A view rendered outside a request (none set the language) is in English with dates in UTC. */
const DEFAULT_LOCALS = siteLocals('en', 'UTC');

/** Renders a view; `data` carries the page's language (`lang`, `t`, the formatters: see i18n.ts). */
export async function renderView(view: string, data: Record<string, unknown>): Promise<string> {
  return ejs.renderFile(path.join(VIEWS_DIR, `${view}.ejs`), { paragraphs, ...DEFAULT_LOCALS, ...data }, { cache: true, async: false, views: [VIEWS_DIR] });
}

/** The language part of res.locals (set by withSiteLanguage). */
export function pageLocals(res: Response): Partial<SiteLocals> {
  const { lang, t, formatDate, formatNumber } = res.locals as Partial<SiteLocals>;
  return lang ? { lang, t, formatDate, formatNumber } : {};
}

export async function sendView(res: Response, view: string, data: Record<string, unknown>, status = 200): Promise<void> {
  const html = await renderView(view, {
    ...pageLocals(res),
    csrfToken: res.locals.csrfToken,
    currentPath: res.req.path,
    currentUrl: res.req.originalUrl,
    status,
    errors: {},
    values: {},
    formError: undefined,
    ...data,
  });
  res.status(status).type('html').send(html);
}
