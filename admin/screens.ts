// The back office's own stylesheet, on top of AdminJS's design system (served with the pages through AdminJS's
// `assets.styles`, under a content-hashed name with year-long cache headers, compressed like every answer):
// - the menu stands beside the page from 1024 px wide (AdminJS hides it behind a hamburger below 1324 px);
// - on a phone (below 769 px, where AdminJS shows only a list's title column) each list shows its main columns;
// - a list wider than its card scrolls sideways, and its cells break lines between words, not inside them.
// The columns are named per resource here, so the CSS is written from the resources' list properties.
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ResourceWithOptions } from 'adminjs';

/** The columns a list keeps on a phone, per resource (others need a wider screen). */
export const MAIN_COLUMNS: Record<string, readonly string[]> = {
  mailings: ['name', 'state', 'nextRunAt'],
  clients: ['email', 'fullName'],
  messages: ['subject', 'createdAt'],
  attempts: ['mailingLabel', 'status', 'sentCount'],
  deliveries: ['email', 'status'],
  users: ['email', 'fullName'],
  groups: ['name'],
  blog_posts: ['title', 'publishedAt'],
};

/** Where AdminJS's sidebar stops being an overlay (AdminJS: 1324 px, its widest breakpoint). */
export const MENU_FROM_PX = 1024;
/** Below this width AdminJS hides every list column but the title (its "md" breakpoint, 769 px). */
const PHONE_BELOW_PX = 769;

export function screenStyles(resources: ResourceWithOptions[]): string {
  const phone: string[] = [];
  for (const { options } of resources) {
    const id = options.id;
    const listed = options.listProperties ?? [];
    if (!id) continue;
    for (const column of MAIN_COLUMNS[id] ?? []) {
      const at = listed.indexOf(column);
      if (at < 0) continue;
      // a row's cell is named; the header's is found by its place (after the checkbox cell)
      phone.push(`  [data-css="${id}-${column}-table-cell"], [data-css="${id}-table-head-row"] > :nth-child(${at + 2}) { display: table-cell !important; }`);
    }
  }
  return `/* the menu beside the page from ${MENU_FROM_PX} px: no overlay, no hamburger */
@media (min-width: ${MENU_FROM_PX}px) {
  [data-css="sidebar"] { position: initial !important; left: 0 !important; }
  [data-css="topbar"] > :first-child { display: none !important; }
}
/* a wide list scrolls sideways inside its card rather than being cut; words break at spaces, not mid-word */
[data-css$="-list-table-wrapper"] { overflow-x: auto; }
[data-css$="-table-cell"], [data-css$="-table-head-row"] > * { word-break: normal; overflow-wrap: break-word; }
/* a list's main columns on a phone */
@media (max-width: ${PHONE_BELOW_PX - 0.02}px) {
${phone.join('\n')}
}
`;
}

export interface ScreenStyles {
  /** The stylesheet's address under the back office's root, its name carrying the content's hash. */
  path: string;
  handler: RequestHandler;
}

export function screenStylesheet(resources: ResourceWithOptions[]): ScreenStyles {
  const css = screenStyles(resources);
  const hash = crypto.createHash('sha256').update(css).digest('hex').slice(0, 12);
  return {
    path: `/screens.${hash}.css`,
    handler: (_req, res) => {
      res.set('Cache-Control', 'public, max-age=31536000, immutable').type('text/css').send(css);
    },
  };
}
