// The unsubscribe page of mailing mails (RFC 8058). GET shows one button and changes nothing (link scanners open
// URLs). POST unsubscribes at once: from the page's form (CSRF-checked like every form of the site), or as a mail
// client's one-click POST, whose body is "List-Unsubscribe=One-Click" and which carries no cookie and no CSRF
// token — exempt from the CSRF check on this route only, and able only to unsubscribe. Re-subscribing needs the
// page's form. Only wrong tokens count against the rate limit: a mail provider's one-click POSTs for many
// recipients come from a few addresses.
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import busboy from 'busboy';
import { rateLimit } from 'express-rate-limit';
import type { Sequelize } from 'sequelize';
import { lookUpUnsubscribe, resubscribe, unsubscribe, type UnsubscribeLookup } from '../../src/audience/unsubscribe.js';
import { pickLanguage, type Language } from '../../src/languages.js';
import type { CsrfMiddleware, RateLimitSettings } from '../security.js';
import { sendView } from '../render.js';
import { asyncRoute } from './async-route.js';

/** The page's words; kept here until the site has its own catalogues. */
export const UNSUBSCRIBE_TEXT = {
  en: {
    title: 'Unsubscribe',
    question: 'Stop receiving mailings from {{sender}} at {{email}}?',
    button: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    done: '{{email}} will receive no more mailings from {{sender}}.',
    since: 'Unsubscribed since {{date}}.',
    resubscribeQuestion: 'Changed your mind? You can receive the mailings of {{sender}} again.',
    resubscribeButton: 'Subscribe again',
    resubscribedTitle: 'You are subscribed again',
    resubscribed: '{{email}} will receive the mailings of {{sender}} again.',
    invalidTitle: 'This unsubscribe link is not valid',
    invalid: 'The link is incomplete or was altered, so nothing was changed. Open the link from the mail again, whole.',
    unknownTitle: 'This address is not on the list',
    unknown: 'The sender no longer keeps this address, so nothing was changed and no mailing of theirs will reach it.',
    tooManyTitle: 'Too many attempts',
    tooMany: 'Too many wrong links were opened from your address. Please wait up to {{minutes}} minutes and try again.',
  },
  ru: {
    title: 'Отписка',
    question: 'Больше не получать рассылки от {{sender}} на адрес {{email}}?',
    button: 'Отписаться',
    doneTitle: 'Вы отписались',
    done: 'На адрес {{email}} больше не придёт ни одной рассылки от {{sender}}.',
    since: 'Отписка с {{date}}.',
    resubscribeQuestion: 'Передумали? Можно снова получать рассылки от {{sender}}.',
    resubscribeButton: 'Подписаться снова',
    resubscribedTitle: 'Вы снова подписаны',
    resubscribed: 'На адрес {{email}} снова будут приходить рассылки от {{sender}}.',
    invalidTitle: 'Ссылка для отписки недействительна',
    invalid: 'Ссылка неполная или изменена, поэтому ничего не изменилось. Откройте ссылку из письма ещё раз целиком.',
    unknownTitle: 'Этого адреса нет в списке',
    unknown: 'Отправитель больше не хранит этот адрес, поэтому ничего не изменилось и его рассылки сюда не придут.',
    tooManyTitle: 'Слишком много попыток',
    tooMany: 'С вашего адреса открыто слишком много неверных ссылок. Подождите до {{minutes}} минут и попробуйте снова.',
  },
} as const;

type Key = keyof (typeof UNSUBSCRIBE_TEXT)['en'];

function translate(language: Language, key: Key, values: Record<string, string> = {}): string {
  return UNSUBSCRIBE_TEXT[language][key].replace(/\{\{(\w+)\}\}/g, (_all, name: string) => values[name] ?? '');
}

export const DEFAULT_UNSUBSCRIBE_LIMIT: Readonly<RateLimitSettings> = Object.freeze({ limit: 30, windowMs: 15 * 60_000 });

export interface UnsubscribeRouterOptions {
  sequelize: Sequelize;
  secret: string;
  defaultLanguage: Language;
  csrf: CsrfMiddleware;
  limit?: RateLimitSettings;
}

const urlencoded = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

/**
 * The POST's fields, whatever the form encoding: url-encoded (the page, most mail clients), multipart (RFC 8058
 * allows it) or plain text; a few short fields at most.
 */
const readForm: RequestHandler = (req, res, next) => {
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
    if (/^text\/plain/i.test(req.headers['content-type'] ?? '')) {
      express.text({ limit: '2kb' })(req, res, (error?: unknown) => {
        if (error) return next(error);
        req.body = Object.fromEntries(new URLSearchParams(typeof req.body === 'string' ? req.body.trim() : ''));
        next();
      });
      return;
    }
    urlencoded(req, res, next);
    return;
  }
  const fields: Record<string, string> = {};
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fields: 10, fieldSize: 200, files: 0, parts: 10 } });
  } catch (error) {
    next(Object.assign(new Error(String(error)), { status: 400, type: 'multipart.unreadable' }));
    return;
  }
  parser.on('field', (name, value) => {
    fields[name] = value;
  });
  parser.on('close', () => {
    req.body = fields;
    next();
  });
  parser.on('error', (error: unknown) => next(Object.assign(new Error(String(error)), { status: 400, type: 'multipart.unreadable' })));
  req.pipe(parser);
};

export function unsubscribeRouter(options: UnsubscribeRouterOptions): Router {
  const { sequelize, secret, csrf } = options;
  const router = Router();
  const settings = options.limit ?? DEFAULT_UNSUBSCRIBE_LIMIT;
  const languageOf = (req: Request): Language => pickLanguage(req.headers['accept-language'], options.defaultLanguage);

  // only refused links count: a provider's one-click POSTs for many recipients share few addresses
  const limiter = rateLimit({
    windowMs: settings.windowMs,
    limit: settings.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    handler: (req, res, next) => {
      const language = languageOf(req);
      const minutes = String(Math.max(1, Math.ceil(settings.windowMs / 60_000)));
      sendView(res, 'error', { title: translate(language, 'tooManyTitle'), message: translate(language, 'tooMany', { minutes }) }, 429).catch(next);
    },
  });

  const noTraces: RequestHandler = (_req, res, next) => {
    // the token is personal: never cached, never sent on as a Referer, never indexed
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' });
    next();
  };

  async function answer(req: Request, res: Response, lookup: UnsubscribeLookup, after?: 'unsubscribed' | 'resubscribed'): Promise<void> {
    const language = languageOf(req);
    const t = (key: Key, values?: Record<string, string>): string => translate(language, key, values);
    if (lookup.kind === 'invalid') {
      await sendView(res, 'message', { title: t('invalidTitle'), message: t('invalid'), tone: 'warning', link: null, language }, 400);
      return;
    }
    if (lookup.kind === 'unknown') {
      await sendView(res, 'message', { title: t('unknownTitle'), message: t('unknown'), tone: 'warning', link: null, language }, 404);
      return;
    }
    const { email, senderName: sender, unsubscribedAt } = lookup.target;
    const date = unsubscribedAt ? new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(unsubscribedAt) : '';
    await sendView(res, 'unsubscribe', {
      language,
      token: req.params.token,
      unsubscribed: unsubscribedAt !== null,
      title: unsubscribedAt ? t('doneTitle') : after === 'resubscribed' ? t('resubscribedTitle') : t('title'),
      notice: after === 'resubscribed' ? t('resubscribed', { email, sender }) : unsubscribedAt ? t('done', { email, sender }) : '',
      since: unsubscribedAt ? t('since', { date }) : '',
      question: unsubscribedAt ? t('resubscribeQuestion', { sender }) : t('question', { email, sender }),
      button: unsubscribedAt ? t('resubscribeButton') : t('button'),
    });
  }

  router.get(
    '/unsubscribe/:token',
    limiter,
    noTraces,
    ...csrf.issue,
    asyncRoute(async (req, res) => answer(req, res, await lookUpUnsubscribe(sequelize, secret, req.params.token))),
  );

  // a mail client's one-click POST: no cookie and no token of ours, only the body RFC 8058 prescribes; it can
  // only unsubscribe. Anything else (the page's form) goes on to the CSRF-checked route below.
  router.post(
    '/unsubscribe/:token',
    limiter,
    noTraces,
    readForm,
    (req: Request, res: Response, next: NextFunction) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body['List-Unsubscribe'] !== 'One-Click' || body._csrf !== undefined) return next('route');
      unsubscribe(sequelize, secret, req.params.token)
        .then((lookup) => answer(req, res, lookup, 'unsubscribed'))
        .catch(next);
    },
  );

  // the page's own form: CSRF-checked, and the only way to subscribe again
  router.post(
    '/unsubscribe/:token',
    ...csrf.verify,
    asyncRoute(async (req, res) => {
      const action = (req.body as Record<string, unknown>).action;
      const lookup = action === 'resubscribe' ? await resubscribe(sequelize, secret, req.params.token) : await unsubscribe(sequelize, secret, req.params.token);
      await answer(req, res, lookup, action === 'resubscribe' ? 'resubscribed' : 'unsubscribed');
    }),
  );

  return router;
}
