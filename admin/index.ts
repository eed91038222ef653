// The back office (AdminJS at /admin): login and sessions, the resources with their access rules, the dashboard,
// and the uploaded blog images at /uploads.
import { ADMIN_BUNDLE_DIR } from './bundle-dir.js'; // first: AdminJS reads its bundle folder when imported
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import compression from 'compression';
import AdminJS, { type ResourceWithOptions } from 'adminjs';
import AdminJSExpress from '@adminjs/express';
import { Database, Resource } from '@adminjs/sequelize';
import type { ServiceContext } from '../src/context.js';
import { authenticator, keepTypedEmail, sessionEndedNotice, withLoginPageExtras, DEFAULT_LOGIN_LIMIT, loginRateLimit, refreshAdminUser, sessionSetup, SESSION_COOKIE, type LoginLimit } from './auth.js';
import { componentLoader, Components } from './components/index.js';
import { dashboardHandler } from './dashboard.js';
import { PROGRESS_PATH, progressHandler } from './progress.js';
import { ATTEMPT_DELIVERIES_PATH, attemptDeliveriesHandler } from './attempt-deliveries.js';
import { clientsResource } from './resources/clients.resource.js';
import { messagesResource } from './resources/messages.resource.js';
import { mailingsResource } from './resources/mailings.resource.js';
import { attemptsResource } from './resources/attempts.resource.js';
import { deliveriesResource } from './resources/deliveries.resource.js';
import { usersResource } from './resources/users.resource.js';
import { groupsResource } from './resources/groups.resource.js';
import { blogPostsResource, uploadsFolder } from './resources/blog-posts.resource.js';
import { UPLOADS_URL } from './resources/blog-image.provider.js';
import { adminLocale, inRequestLanguage, withProfileLanguage, withRequestLanguage } from './locale/index.js';
import { pickerApi, unknownRoutes } from './api-routes.js';
import { forbiddenPages } from './forbidden-page.js';
import { audienceDownloads } from './audience-downloads.js';
import { importsOf } from './resources/client.actions.js';
import { backOfficeErrorHandler } from './error-answers.js';
import { ASSETS_PATH, checkBundledComponents, placeComponentsBundle, readPrebuiltAssets, servePrebuiltAssets, type PrebuiltAssets } from './prebuilt-assets.js';
import { screenStylesheet } from './screens.js';
import { guardedBodies, importLimits, noFraming, sameOriginOnly, UPLOAD_LIMITS, type RequestGuardOptions } from './request-guard.js';

export const ADMIN_ROOT = '/admin';

export interface AdminOptions {
  loginLimit?: LoginLimit;
  /** Serve the scripts `npm run build` pre-bundled (admin/prebuilt-assets.ts); default: in production only. */
  prebuiltAssets?: boolean;
  /** Compress pages, API answers and scripts (gzip or brotli); default true (the benchmark's baseline turns it off). */
  compression?: boolean;
}

AdminJS.registerAdapter({ Database, Resource });

let staleBundleRemoved = false;

/** Outside production AdminJS bundles our components on the first request for them: never from an old bundle. */
function dropStaleBundle(ctx: ServiceContext): void {
  if (ctx.config.isProduction || staleBundleRemoved) return;
  staleBundleRemoved = true;
  fs.rmSync(path.join(ADMIN_BUNDLE_DIR, 'bundle.js'), { force: true });
}

function adminResources(ctx: ServiceContext): ResourceWithOptions[] {
  return [
    mailingsResource(ctx),
    clientsResource(ctx),
    messagesResource(ctx),
    attemptsResource(ctx),
    deliveriesResource(ctx),
    usersResource(ctx),
    groupsResource(ctx),
    blogPostsResource(ctx),
  ];
}

export function buildAdmin(ctx: ServiceContext, prebuilt?: PrebuiltAssets): AdminJS {
  const resources = adminResources(ctx);
  const styles = [`${ADMIN_ROOT}${screenStylesheet(resources).path}`];
  return new AdminJS({
    rootPath: ADMIN_ROOT,
    loginPath: `${ADMIN_ROOT}/login`,
    logoutPath: `${ADMIN_ROOT}/logout`,
    componentLoader,
    resources,
    dashboard: { component: Components.Dashboard, handler: dashboardHandler(ctx) },
    branding: { companyName: 'Mailing Service', withMadeWithLove: false, logo: false },
    locale: adminLocale(ctx.config.appLocale),
    settings: { defaultPerPage: 20 },
    // the pre-built scripts by their hashed names (AdminJS names them by assetsCDN, which must be a full address)
    ...(prebuilt ? { assetsCDN: `${ctx.config.appUrl}${ADMIN_ROOT}${ASSETS_PATH}/` } : {}),
    // our stylesheet (admin/screens.ts: the menu from 1024 px, a list's main columns on a phone)
    assets: { styles, ...(prebuilt ? { coreScripts: prebuilt.coreScripts } : {}) },
  });
}

/** Where uploads wait while their action runs: a folder of their own, so nothing else is ever removed with them. */
export function uploadTempFolder(ctx: ServiceContext): string {
  return path.join(ctx.config.dataDir, 'upload-tmp');
}

function requestGuardOptions(ctx: ServiceContext, admin: AdminJS): RequestGuardOptions {
  return {
    rootPath: ADMIN_ROOT,
    loginPath: admin.options.loginPath,
    appUrl: ctx.config.appUrl,
    uploadDir: uploadTempFolder(ctx),
    fileResources: ['blog_posts'],
    fileActions: [{ resource: 'clients', action: 'importClients', limits: importLimits(ctx.config.importMaxBytes) }],
    renderLogin: (errorMessage) => admin.renderLogin({ action: admin.options.loginPath, errorMessage }),
  };
}

export async function mountAdmin(app: Express, ctx: ServiceContext, options: AdminOptions = {}): Promise<void> {
  dropStaleBundle(ctx);
  const prebuilt = (options.prebuiltAssets ?? ctx.config.isProduction) ? readPrebuiltAssets({ checkFresh: !ctx.config.isProduction }) : undefined;
  const admin = buildAdmin(ctx, prebuilt);
  withLoginPageExtras(admin);
  const sessions = sessionSetup(ctx);
  if (options.compression !== false) app.use(ADMIN_ROOT, compression());
  if (prebuilt) {
    checkBundledComponents(prebuilt, componentLoader);
    process.env.ADMIN_JS_SKIP_BUNDLE = 'true'; // AdminJS would bundle the components again at start
    placeComponentsBundle(prebuilt, ADMIN_BUNDLE_DIR);
    app.use(`${ADMIN_ROOT}${ASSETS_PATH}`, servePrebuiltAssets(prebuilt));
  }
  const styles = screenStylesheet(admin.options.resources as ResourceWithOptions[]);
  app.get(`${ADMIN_ROOT}${styles.path}`, styles.handler);
  app.use(ADMIN_ROOT, withRequestLanguage(ctx.config.appLocale));

  // uploaded blog images: images only (checked at upload), never sniffed as something else
  const uploads = uploadsFolder(ctx);
  fs.mkdirSync(uploads, { recursive: true });
  app.use(UPLOADS_URL, express.static(uploads, { maxAge: '1d', index: false, dotfiles: 'deny', setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff') }));

  const guard = requestGuardOptions(ctx, admin);
  app.use(ADMIN_ROOT, ...noFraming(), sameOriginOnly(guard));
  app.post(`${ADMIN_ROOT}/login`, loginRateLimit(admin, options.loginLimit ?? DEFAULT_LOGIN_LIMIT));
  // the login page a session ended on (blocked) says why
  app.get(`${ADMIN_ROOT}/login`, sessionEndedNotice(admin));
  // the session is read here (AdminJS's router then finds it), so the user can be re-checked before AdminJS runs,
  // no body is read before that; then unknown resources and actions are answered
  app.use(ADMIN_ROOT, sessions.middleware, refreshAdminUser(ctx), withProfileLanguage(), guardedBodies(guard), unknownRoutes(admin), forbiddenPages(admin, ctx.config.appLocale));
  // the clients' CSV downloads and the pickers' API: plain routes, for the logged-in user's own records
  app.use(audienceDownloads(ctx, importsOf(ctx)));
  app.use(`${ADMIN_ROOT}/api`, pickerApi(ctx));
  // the live progress of the runs going on now, polled by the dashboard and a mailing's page
  app.get(`${ADMIN_ROOT}${PROGRESS_PATH}`, progressHandler(ctx));
  // a run's deliveries, page by page, on the run's page
  app.get(`${ADMIN_ROOT}${ATTEMPT_DELIVERIES_PATH}`, attemptDeliveriesHandler(ctx));

  const router = AdminJSExpress.buildAuthenticatedRouter(
    admin,
    { authenticate: keepTypedEmail(inRequestLanguage(authenticator(ctx), ctx.config.appLocale)), cookieName: SESSION_COOKIE, cookiePassword: ctx.config.sessionSecret },
    null,
    sessions.options,
    // never used (guardedBodies reads every body first and marks it read); the same limits in case it ever is
    { uploadDir: guard.uploadDir, maxFileSize: UPLOAD_LIMITS.maxFileBytes, maxFieldsSize: UPLOAD_LIMITS.maxFieldBytes, maxFields: UPLOAD_LIMITS.maxFields },
  );
  app.use(admin.options.rootPath, router);
  // whatever failed under the back office (in AdminJS or in the checks before it) is answered here, not by the public site
  app.use(ADMIN_ROOT, backOfficeErrorHandler(ctx.log.error));
}
