// What the back office checks before AdminJS sees a request: no framing, state changes only from our own pages
// (Origin/Referer), no body read before login, and bodies read within limits (files only where a form takes them).
import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { contentSecurityPolicy, xFrameOptions } from 'helmet';
import { BodyRefused, hasBody, megabytes, readBody, tooLargeMessage, type BodyLimits } from './form-body.js';
import { noticeBody } from './error-answers.js';

const MB = 1024 * 1024;

/** The login form: an e-mail and a password. */
export const LOGIN_LIMITS: Readonly<BodyLimits> = Object.freeze({ maxBytes: 10 * 1024, maxFieldBytes: 10 * 1024, maxFields: 20, maxFiles: 0, maxFileBytes: 0, json: false });
/** Any other form: a message body (1 MB of text is at most 3 MB as UTF-8), a mailing's recipients in one field. */
export const FORM_LIMITS: Readonly<BodyLimits> = Object.freeze({ maxBytes: 6 * MB, maxFieldBytes: 4 * MB, maxFields: 1000, maxFiles: 0, maxFileBytes: 0, json: true });
/**
 * A form that takes a file (a blog post's image). The file may be larger than the image limit, so that a slightly
 * too large image gets the form's own message on its field; beyond this the answer is a 413.
 */
export const UPLOAD_LIMITS: Readonly<BodyLimits> = Object.freeze({ ...FORM_LIMITS, maxBytes: FORM_LIMITS.maxBytes + 4 * MB, maxFiles: 1, maxFileBytes: 4 * MB });

/**
 * The clients' CSV import: one file up to IMPORT_MAX_MB (and a few small fields). A larger declared body is refused
 * before any of it is read; a larger chunked one as soon as the file passes the limit.
 */
export function importLimits(maxFileBytes: number): Readonly<BodyLimits> {
  return Object.freeze({
    ...FORM_LIMITS,
    maxBytes: maxFileBytes + 64 * 1024,
    maxFields: 20,
    maxFiles: 1,
    maxFileBytes,
    tooLargeMessage: `The file is too large: at most ${megabytes(maxFileBytes)} can be imported at once. Split it into smaller files.`,
  });
}

export interface RequestGuardOptions {
  /** AdminJS's root ('/admin') and login page ('/admin/login'). */
  rootPath: string;
  loginPath: string;
  /** The service's public address (APP_URL): requests from its origin are our own pages. */
  appUrl: string;
  /** Where uploaded files wait until the action has stored them (removed when the response ends). */
  uploadDir: string;
  /** AdminJS resources whose new and edit actions take a file. */
  fileResources: readonly string[];
  /** Resource actions that take a file, each with its own limits (the clients' import). */
  fileActions?: ReadonlyArray<{ resource: string; action: string; limits: Readonly<BodyLimits> }>;
  /** The login page with a message, for a refused login. */
  renderLogin(message: string): Promise<string>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * X-Frame-Options and CSP frame-ancestors: no page of the back office can be framed (clickjacking). Only that
 * directive: AdminJS's pages run inline scripts and styles that a fuller policy would break.
 */
export function noFraming(): RequestHandler[] {
  return [
    xFrameOptions({ action: 'deny' }),
    contentSecurityPolicy({ useDefaults: false, directives: { defaultSrc: contentSecurityPolicy.dangerouslyDisableDefaultSrc, frameAncestors: ["'none'"] } }),
  ];
}

function originOf(value: string | undefined): string | null {
  if (!value || value === 'null') return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/**
 * Refuses (403) a state-changing request that did not come from the back office's own pages: its Origin header
 * (or, without one, its Referer) must be APP_URL's origin or the address the request was sent to. A request with
 * neither header is refused too: browsers always send Origin on a POST, so only a script would omit both, and a
 * script can send the header.
 */
export function sameOriginOnly(options: RequestGuardOptions): RequestHandler {
  const appOrigin = new URL(options.appUrl).origin;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const claimed = req.headers.origin ?? req.headers.referer;
    const origin = originOf(claimed);
    const own = originOf(`${req.protocol}://${req.get('host') ?? ''}`);
    if (origin !== null && (origin === appOrigin || origin === own)) return next();
    const message = claimed
      ? 'This request came from another site and was refused. Use the back office from its own pages.'
      : 'This request did not say where it came from (no Origin or Referer header) and was refused. Use the back office from its own pages.';
    refuse(req, res, options, 403, message);
  };
}

/**
 * Reads the body of a logged-in user's request (and of the login form) within the limits of its route; a
 * state-changing request without a session goes to the login page unread. Whatever is not read here is marked as
 * read, so AdminJS's own parser (express-formidable, which parses every request before any login check) never runs.
 */
export function guardedBodies(options: RequestGuardOptions): RequestHandler {
  fs.mkdirSync(options.uploadDir, { recursive: true });
  removeLeftovers(options.uploadDir);
  const takesFiles = fileRoutes(options.rootPath, options.fileResources);
  const fileActions = new Map((options.fileActions ?? []).map((each) => [`${options.rootPath}/api/resources/${each.resource}/actions/${each.action}`, each.limits]));
  return (req, res, next) => {
    const url = req.originalUrl.split('?')[0]!;
    if (SAFE_METHODS.has(req.method) || !hasBody(req)) return parsed(req, {}, {}, next);
    const isLogin = url === options.loginPath;
    if (!isLogin && !req.session?.adminUser) {
      // as AdminJS answers any request without a session: its pages recognise an ended session by this redirect
      closeUnread(req, res);
      res.redirect(302, options.loginPath);
      return;
    }
    const action = fileActions.get(url);
    const limits = isLogin ? LOGIN_LIMITS : action ?? (takesFiles(url) ? UPLOAD_LIMITS : FORM_LIMITS);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      refuse(req, res, options, 413, tooLargeMessage(limits));
      return;
    }
    readBody(req, res, limits, options.uploadDir).then(
      (body) => parsed(req, body.fields, body.files, next),
      (error: unknown) => {
        // the client went away (its files go when the response closes); req.destroyed is also true once read to the end
        if (req.socket.destroyed) return;
        if (error instanceof BodyRefused) refuse(req, res, options, error.status, error.message);
        else next(error);
      },
    );
  };
}

/** Uploads left by a process that died in the middle of a request: an hour old, no request still uses them. */
function removeLeftovers(folder: string): void {
  const cutoff = Date.now() - 3600_000;
  for (const name of fs.readdirSync(folder)) {
    const file = path.join(folder, name);
    try {
      if (fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
    } catch {
      // removed meanwhile by another process sharing DATA_DIR
    }
  }
}

/** A matcher for the new and edit actions of the given resources (the only forms that take files). */
function fileRoutes(rootPath: string, resources: readonly string[]): (url: string) => boolean {
  const escaped = resources.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const pattern = new RegExp(`^${rootPath}/api/resources/(?:${escaped})/(?:actions/new|records/[^/]+/edit)$`);
  return (url) => resources.length > 0 && pattern.test(url);
}

function parsed(req: Request, fields: Record<string, unknown>, files: Record<string, unknown>, next: NextFunction): void {
  Object.assign(req, { fields, files, express_formidable: { parsed: true } });
  next();
}

/** A refusal sent before the body is read: the connection closes after it, instead of reading the rest. */
function closeUnread(req: Request, res: Response): void {
  if (!req.complete) res.set('Connection', 'close');
}

function refuse(req: Request, res: Response, options: RequestGuardOptions, status: number, message: string): void {
  closeUnread(req, res);
  if (req.originalUrl.split('?')[0] === options.loginPath) {
    options
      .renderLogin(message)
      .then((html) => res.status(status).type('html').send(html))
      .catch(() => res.status(status).type('text/plain').send(message));
    return;
  }
  res.status(status).json(noticeBody(message));
}
