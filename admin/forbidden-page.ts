// The page a person gets when they open (by its address) a screen of the back office they may not use: a 403 page
// in their language that says so and leads back, instead of AdminJS's "Page not found" or a notice with ids.
// Whether they may is asked of AdminJS's own action (its isAccessible comes from src/access) for the record found
// through their scope; a record they may not see at all stays "not found" (its existence is not told).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type AdminJS from 'adminjs';
import type { ActionContext, BaseRecord, CurrentAdmin } from 'adminjs';
import type { Language } from '../src/languages.js';
import { routeOf } from './api-routes.js';
import { pageLanguage, translations } from './locale/index.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The 403 page in a language: a title, what happened, and the way back to the dashboard. */
export function forbiddenPageHtml(language: Language, dashboardUrl: string): string {
  const words = translations[language].messages;
  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(words.forbiddenPage_title)} — Mailing Service</title>
<style>
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f7fb; color: #1c1c38; }
  main { max-width: 36rem; margin: 12vh auto 0; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 6px rgba(0,0,0,.08); }
  .code { color: #4268f6; font-weight: 600; letter-spacing: .05em; }
  h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
  a { color: #4268f6; }
</style>
</head>
<body>
<main role="main">
  <div class="code">403</div>
  <h1>${escapeHtml(words.forbiddenPage_title)}</h1>
  <p>${escapeHtml(words.forbiddenError)}</p>
  <p><a href="${escapeHtml(dashboardUrl)}">${escapeHtml(words.forbiddenPage_back)}</a></p>
</main>
</body>
</html>`;
}

/** For page loads (not the API, which answers AdminJS's way): a 403 page for an action the person may not use. */
export function forbiddenPages(admin: AdminJS, fallback: Language): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const currentAdmin = (req.session as { adminUser?: CurrentAdmin } | undefined)?.adminUser;
    const route = req.method === 'GET' && !req.path.startsWith('/api/') ? routeOf(req.path) : undefined;
    if (!route || !currentAdmin) {
      next();
      return;
    }
    isForbidden(admin, route, currentAdmin)
      .then((forbidden) => {
        if (!forbidden) return next();
        res.status(403).type('html').send(forbiddenPageHtml(pageLanguage(fallback), admin.options.rootPath));
      })
      .catch(next);
  };
}

async function isForbidden(admin: AdminJS, route: NonNullable<ReturnType<typeof routeOf>>, currentAdmin: CurrentAdmin): Promise<boolean> {
  const resource = admin.resources.find((candidate) => candidate.id() === route.resourceId);
  if (!resource) return false; // unknownRoutes answered it
  const action = resource.decorate().actions[route.action ?? 'list'];
  if (!action) return false;
  let record: BaseRecord | null | undefined;
  if (route.kind === 'record') {
    record = await resource.findOne(String(route.recordId), { currentAdmin } as ActionContext);
    if (!record) return false; // not found for them: AdminJS says so
  }
  return !action.isAccessible(currentAdmin, record ?? undefined);
}
