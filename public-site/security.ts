// The public site's protections: security headers, CSRF tokens on every form, rate limits on the account forms.
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { doubleCsrf } from 'csrf-csrf';
import { rateLimit } from 'express-rate-limit';
import { sendView } from './render.js';
import { pageTranslator } from './i18n.js';

export interface RateLimitSettings {
  /** Requests allowed per client address in each window. */
  limit: number;
  windowMs: number;
}

export interface SiteRateLimits {
  register: RateLimitSettings;
  resend: RateLimitSettings;
  reset: RateLimitSettings;
}

export const DEFAULT_RATE_LIMITS: Readonly<SiteRateLimits> = Object.freeze({
  register: { limit: 10, windowMs: 60 * 60_000 },
  resend: { limit: 5, windowMs: 15 * 60_000 },
  reset: { limit: 5, windowMs: 15 * 60_000 },
});

/** helmet's headers with a policy that runs nothing but our own files: no inline script, no other origin. */
export function securityHeaders(secure: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: secure,
  });
}

const VISITOR_COOKIE = 'ms.visitor';
const visitorIds = new WeakMap<Request, string>();

/**
 * CSRF protection (csrf-csrf, double submit): the token in each form must match an HMAC-signed cookie
 * bound to an anonymous visitor id, so a token from another browser is worthless.
 */
export interface CsrfMiddleware {
  /** For pages that show a form: puts a token in res.locals.csrfToken (and its cookie). */
  issue: RequestHandler[];
  /** For form submissions: refuses (403 page) a missing or wrong token, then issues one for the answer page. */
  verify: RequestHandler[];
}

export function csrfProtection(secret: string, secure: boolean): CsrfMiddleware {
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => visitorIds.get(req) ?? '',
    cookieName: secure ? '__Host-ms.csrf' : 'ms.csrf',
    cookieOptions: { sameSite: 'lax', path: '/', secure, httpOnly: true },
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
  });

  const visitor: RequestHandler = (req, res, next) => {
    let id = req.cookies?.[VISITOR_COOKIE] as string | undefined;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(id)) {
      id = crypto.randomBytes(16).toString('base64url');
      res.cookie(VISITOR_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
    }
    visitorIds.set(req, id);
    next();
  };

  const protect: RequestHandler = (req, res, next) => {
    doubleCsrfProtection(req, res, (error?: unknown) => {
      if (error) {
        const t = pageTranslator(res);
        void sendView(res, 'error', { title: t('errors.formExpiredTitle'), message: t('errors.formExpiredMessage') }, 403).catch(next);
        return;
      }
      // a fresh token for the page this request renders (a form shown again after an error)
      res.locals.csrfToken = generateCsrfToken(req, res, { overwrite: false });
      next();
    });
  };

  const issue: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = generateCsrfToken(req, res, { overwrite: false });
    next();
  };

  const parse = cookieParser();
  return { issue: [parse, visitor, issue], verify: [parse, visitor, protect] };
}

/** A limiter per form; the 429 page says when to try again. */
export function formRateLimit(settings: RateLimitSettings, what: string): RequestHandler {
  return rateLimit({
    windowMs: settings.windowMs,
    limit: settings.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // only submissions count: showing the form is free
    skip: (req) => req.method !== 'POST',
    handler: (_req, res, next) => {
      const minutes = Math.max(1, Math.ceil(settings.windowMs / 60_000));
      const t = pageTranslator(res);
      sendView(res, 'error', { title: t('errors.tooManyTitle'), message: t('errors.tooManyMessage', { count: minutes, what }) }, 429).catch(next);
    },
  });
}
