// The public site (landing page, blog, accounts): mounted by the app after the back office.
import express, { type Express } from 'express';
import path from 'node:path';
import type { ServiceContext } from '../src/context.js';
import { projectRoot } from '../src/paths.js';
import { createSiteCache, type SiteCache, type SiteCacheOptions } from './site-cache.js';
import { csrfProtection, DEFAULT_RATE_LIMITS, securityHeaders, type RateLimitSettings, type SiteRateLimits } from './security.js';
import { homePageRenderer, homeRouter } from './routes/home.js';
import { blogRouter } from './routes/blog.js';
import { accountsRouter } from './routes/accounts.js';
import { unsubscribeRouter } from './routes/unsubscribe.js';
import { sendNotFound } from './routes/not-found.js';
import { siteErrorHandler } from './error-pages.js';
import { languageSwitchRouter, siteLocals, withSiteLanguage } from './i18n.js';
import { createDevMailboxRouter } from './dev-mailbox.js';

export interface PublicSiteOptions {
  cache?: SiteCacheOptions;
  rateLimits?: Partial<SiteRateLimits>;
  blogPageSize?: number;
  /** Wrong unsubscribe links allowed per client address and window (tests lower it). */
  unsubscribeLimit?: RateLimitSettings;
}

export interface PublicSite {
  readonly cache: SiteCache;
  /** Resolves once the account mails the pages sent in the background are out (or failed). */
  idle(): Promise<void>;
  /** Waits for those mails, then stops the cache listening to data changes. */
  close(): Promise<void>;
}

/** The services it runs on, built once by the composition root (src/boot/services.ts). */
export type PublicSiteContext = Pick<ServiceContext, 'config' | 'db' | 'log' | 'mail' | 'accounts'>;

const BOOTSTRAP_DIST = path.join(projectRoot, 'node_modules', 'bootstrap', 'dist');

export async function mountPublicSite(app: Express, ctx: PublicSiteContext, options: PublicSiteOptions = {}): Promise<PublicSite> {
  const { models } = ctx.db;
  const secure = ctx.config.appUrl.startsWith('https:');
  const log = ctx.log.child('site');
  const cache = createSiteCache(options.cache);
  const { accounts } = ctx;
  const csrf = csrfProtection(ctx.config.sessionSecret, secure);
  const limits: SiteRateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };

  const site = express.Router();
  site.use(securityHeaders(secure));
  site.use(withSiteLanguage(ctx.config.appLocale, ctx.config.appTimezone), languageSwitchRouter(secure));
  // Bootstrap from the installed package: the machines are offline, no CDN
  site.get('/static/bootstrap.min.css', (_req, res) => res.sendFile(path.join(BOOTSTRAP_DIST, 'css', 'bootstrap.min.css'), { maxAge: '1d' }));
  site.get('/static/bootstrap.bundle.min.js', (_req, res) => res.sendFile(path.join(BOOTSTRAP_DIST, 'js', 'bootstrap.bundle.min.js'), { maxAge: '1d' }));
  site.use('/static', express.static(path.join(projectRoot, 'public-site', 'static'), { maxAge: '1h', fallthrough: true }));

  const renderHome = homePageRenderer(models, cache);
  site.use(homeRouter(renderHome, siteLocals(ctx.config.appLocale, ctx.config.appTimezone)));
  site.use(blogRouter(models, cache, options.blogPageSize ?? 9));
  site.use(accountsRouter(accounts, csrf, limits, log));
  site.use(unsubscribeRouter({ sequelize: ctx.db.sequelize, secret: ctx.config.unsubscribeSecret, defaultLanguage: ctx.config.appLocale, csrf, limit: options.unsubscribeLimit }));
  if (ctx.mail.catcher) site.use('/dev/mailbox', createDevMailboxRouter(ctx.mail.catcher));

  site.use((_req, res, next) => {
    sendNotFound(res).catch(next);
  });
  site.use(siteErrorHandler(log.error));
  app.use(site);
  return {
    cache,
    idle: () => accounts.idle(),
    async close() {
      await accounts.idle();
      cache.close();
    },
  };
}
