// Back-office login: the form's fields go to the domain's login check (src/accounts/login.ts), sessions are kept in
// PostgreSQL, and the logged-in user is refreshed on every request so a block or a new permission applies at once.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import { rateLimit } from 'express-rate-limit';
import type AdminJS from 'adminjs';
import type { ServiceContext } from '../src/context.js';
import { checkLogin, whySessionEnds } from '../src/accounts/login.js';
import { loadActorProfile } from '../src/access/policy.js';
import { toAdminUser, type AdminUser } from './current-admin.js';
import { en } from './locale/en.js';
import { languageOf, translations } from './locale/index.js';
import { isLanguage } from '../src/languages.js';
import { LoginRefused } from '../src/errors.js';

export const SESSION_COOKIE = 'mailing.sid';
const SESSION_TTL_MS = 8 * 3600_000;

// AdminJS shows a thrown error's message on its login page (HTTP 400): the typed refusal from src/errors.ts
export { LoginRefused };

declare module 'express-session' {
  interface SessionData {
    adminUser?: AdminUser;
    redirectTo?: string;
  }
}

/** AdminJS's authenticate: the user, or null for a wrong e-mail or password; throws when the account may not log in. */
export function authenticator(ctx: ServiceContext) {
  return async (email: unknown, password: unknown, context?: { req: Request }): Promise<AdminUser | null> => {
    if (typeof email !== 'string' || typeof password !== 'string') return null;
    // LoginRefused (blocked, not confirmed) goes through: AdminJS shows its message on the login page
    const loggedIn = await checkLogin(ctx.db.models, { email, password });
    if (!loggedIn) return null;
    // a new session id at login, so an id planted before login is worthless
    const req = context?.req;
    if (req?.session) {
      const redirectTo = req.session.redirectTo;
      await new Promise<void>((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
      if (redirectTo) req.session.redirectTo = redirectTo;
    }
    return toAdminUser(loggedIn.actor, loggedIn.fullName, { language: loggedIn.language, timeZone: loggedIn.timeZone }, ctx.config.appTimezone);
  };
}

/** The e-mail of the login being checked, for the page that says it failed (see keepTypedEmail). */
const typedEmail = new AsyncLocalStorage<string>();

/**
 * AdminJS's `authenticate`, made to remember the e-mail typed so that the page saying the login failed shows it
 * again. AdminJS renders that page after `authenticate` returns, in the same async context, which `enterWith`
 * (called synchronously, before the check starts) reaches.
 */
export function keepTypedEmail<U>(
  authenticate: (email: unknown, password: unknown, context?: { req: Request }) => Promise<U>,
): (email: unknown, password: unknown, context?: { req: Request }) => Promise<U> {
  return (email, password, context) => {
    if (typeof email === 'string' && email.length <= 320) typedEmail.enterWith(email);
    return authenticate(email, password, context);
  };
}

/** Public-site pages the login page links to. */
export const SIGN_UP_PATH = '/register';
export const FORGOT_PASSWORD_PATH = '/password/forgot';

/**
 * Gives every login page AdminJS renders what our Login component shows besides AdminJS's attributes: the links
 * to sign up and to reset a password, and the e-mail typed before a failed login. AdminJS writes the attributes
 * into a script as JSON inside a quoted string (unescaped), so the e-mail goes as base64: whatever a person typed
 * (a quote, "</script>") cannot break out of it.
 */
export function withLoginPageExtras(admin: AdminJS): void {
  const render = admin.renderLogin.bind(admin);
  admin.renderLogin = (props) => {
    const email = typedEmail.getStore();
    return render({
      ...props,
      signUpUrl: SIGN_UP_PATH,
      forgotPasswordUrl: FORGOT_PASSWORD_PATH,
      ...(email && props.errorMessage ? { typedEmail: Buffer.from(email, 'utf8').toString('base64') } : {}),
    } as typeof props);
  };
}

export interface SessionSetup {
  middleware: RequestHandler;
  options: session.SessionOptions;
  close(): Promise<void>;
}

/** express-session on the `sessions` table, with cookie settings fit for production. */
export function sessionSetup(ctx: ServiceContext): SessionSetup {
  const PgStore = connectPgSimple(session);
  // the store speaks through the service's own connection pool, so it closes with the database and needs no
  // shutdown of its own; connect-pg-simple only needs query(text, params) → { rows }
  const pool = {
    async query(text: string, params: unknown[] = []) {
      const [rows] = await ctx.db.sequelize.query(text, { bind: params, raw: true });
      return { rows: Array.isArray(rows) ? rows : [] };
    },
  };
  const store = new PgStore({
    pool: pool as never,
    tableName: 'sessions',
    createTableIfMissing: false,
    pruneSessionInterval: ctx.config.isTest ? false : 15 * 60,
    errorLog: (...args: unknown[]) => ctx.log.error(`session store: ${args.map(String).join(' ')}`),
  });
  const options: session.SessionOptions = {
    store,
    secret: ctx.config.sessionSecret,
    name: SESSION_COOKIE,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.appUrl.startsWith('https://'),
      maxAge: SESSION_TTL_MS,
      path: '/',
    },
  };
  return {
    middleware: session(options),
    options,
    async close() {
      store.close();
    },
  };
}

/** A short-lived cookie carrying why a session was ended to the login page it lands on (see sessionEndedNotice). */
export const SESSION_ENDED_COOKIE = 'mailing.session_ended';
const SESSION_ENDED_REASONS = ['accountBlocked', 'emailNotConfirmed'] as const;
type SessionEndedReason = (typeof SESSION_ENDED_REASONS)[number];

function cookieValue(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Re-reads the logged-in user on every back-office request (one indexed query): a blocked or deleted user's
 * session ends at once, and permissions granted or taken through groups apply to the next click. A screen is sent
 * to the login page, which says why (the account is blocked); the API answers 401 with that reason as its notice,
 * in the person's language, and the screens' scripts then go to the login page too (admin/components/session-watch.ts).
 */
export function refreshAdminUser(ctx: ServiceContext): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const current = req.session?.adminUser;
    if (!current) return next();
    loadActorProfile(ctx.db.models, Number(current.id))
      .then(async (profile) => {
        if (!profile) {
          const reason = await whySessionEnds(ctx.db.models, Number(current.id));
          const language = isLanguage(current.language) ? current.language : languageOf(req, ctx.config.appLocale);
          const catalogue = translations[language].messages;
          const message = reason === 'accountGone' ? catalogue.sessionEnded : catalogue[reason];
          if (reason !== 'accountGone') {
            res.cookie(SESSION_ENDED_COOKIE, reason, { path: req.baseUrl || '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.appUrl.startsWith('https://'), maxAge: 10 * 60_000 });
          }
          req.session.destroy(() => {
            if (req.path.startsWith('/api/')) {
              res.status(401).json({ notice: { message, type: 'error' } });
            } else {
              res.redirect(`${req.baseUrl}/login`);
            }
          });
          return;
        }
        const fresh = toAdminUser(profile.actor, profile.fullName, profile, ctx.config.appTimezone);
        if (JSON.stringify(fresh) !== JSON.stringify(current)) req.session.adminUser = fresh;
        next();
      })
      .catch(next);
  };
}

/**
 * The login page a session ended on: says why (the account is blocked), once. The reason is a catalogue key the
 * page translates into its language (the person's, kept in the language cookie).
 */
export function sessionEndedNotice(admin: AdminJS): RequestHandler {
  return (req, res, next) => {
    const reason = cookieValue(req, SESSION_ENDED_COOKIE);
    if (!SESSION_ENDED_REASONS.includes(reason as SessionEndedReason)) return next();
    res.clearCookie(SESSION_ENDED_COOKIE, { path: admin.options.rootPath, httpOnly: true, sameSite: 'lax' });
    admin
      .renderLogin({ action: admin.options.loginPath, errorMessage: reason })
      .then((html) => res.type('html').send(html))
      .catch(next);
  };
}

export interface LoginLimit {
  /** Failed logins allowed per address within the window. */
  limit: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimit = { limit: 10, windowMs: 15 * 60_000 };

/** Limits failed logins per address; a successful login (a redirect) does not count. */
export function loginRateLimit(admin: AdminJS, settings: LoginLimit): RequestHandler {
  return rateLimit({
    windowMs: settings.windowMs,
    limit: settings.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode === 302,
    handler: (_req, res) => {
      // a key the login page translates (it is given no values to fill in, so no number of minutes)
      admin
        .renderLogin({ action: admin.options.loginPath, errorMessage: 'tooManyRequests' })
        .then((html) => res.status(429).type('html').send(html))
        .catch(() => res.status(429).type('text/plain').send(en.messages.tooManyRequests));
    },
  });
}
