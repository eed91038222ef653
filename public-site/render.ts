// Renders the site's EJS views (compiled once, escaped by default) and sends them as HTML.
import path from 'node:path';
import ejs from 'ejs';
import type { Response } from 'express';
import { projectRoot } from '../src/paths.js';

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

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export function formatDate(date: Date): string {
  return dateFormat.format(date);
}

const helpers = { paragraphs, formatDate };

export async function renderView(view: string, data: Record<string, unknown>): Promise<string> {
  return ejs.renderFile(path.join(VIEWS_DIR, `${view}.ejs`), { ...helpers, ...data }, { cache: true, async: false, views: [VIEWS_DIR] });
}

export async function sendView(res: Response, view: string, data: Record<string, unknown>, status = 200): Promise<void> {
  const html = await renderView(view, { csrfToken: res.locals.csrfToken, currentPath: res.req.path, status, errors: {}, values: {}, formError: undefined, ...data });
  res.status(status).type('html').send(html);
}
