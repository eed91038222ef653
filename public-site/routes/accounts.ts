// Account pages: sign up, confirm the e-mail address, send the link again, forgot and reset password.
import express, { Router, type RequestHandler, type Response } from 'express';
import type { TFunction } from 'i18next';
import { languageOfResponse, translateFields, translateRule, translator } from '../i18n.js';
import type { AccountService } from '../../src/accounts/account-service.js';
import { emailProblem } from '../../src/accounts/account-rules.js';
import { ValidationError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import type { CsrfMiddleware, SiteRateLimits } from '../security.js';
import { formRateLimit } from '../security.js';
import { sendView } from '../render.js';
import { asyncRoute } from './async-route.js';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The page's translator (withSiteLanguage puts it in res.locals). */
function tr(res: Response): TFunction {
  return (res.locals as { t?: TFunction }).t ?? translator('en');
}

/** A confirmation link used before (or superseded) of an address that is confirmed: nothing to do but log in. */
function alreadyConfirmed(res: Response) {
  const t = tr(res);
  return { title: t('verify.alreadyTitle'), message: t('verify.alreadyMessage'), tone: 'success', link: { href: '/admin/login', label: t('site.nav.logIn') } };
}

function invalidLink(res: Response, link: { href: string; labelKey: string }) {
  const t = tr(res);
  return { title: t('invalidLink.title'), message: t('invalidLink.message'), tone: 'warning', link: { href: link.href, label: t(link.labelKey) } };
}

export function accountsRouter(accounts: AccountService, csrf: CsrfMiddleware, limits: SiteRateLimits, log: Logger): Router {
  const router = Router();
  const form: RequestHandler[] = [express.urlencoded({ extended: false, limit: '16kb' }), ...csrf.verify];
  const limitRegister = formRateLimit(limits.register, 'signed up');
  const limitResend = formRateLimit(limits.resend, 'asked for a confirmation link');
  const limitReset = formRateLimit(limits.reset, 'asked for a password reset');

  /** Mails whose outcome the visitor must not learn: the answer is the same and as fast for any address. */
  const inBackground = (work: Promise<void>, what: string): void => {
    work.catch((error: unknown) => log.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`));
  };

  // ---- sign up ----
  router.get('/register', ...csrf.issue, asyncRoute(async (_req, res) => sendView(res, 'register', {})));
  router.post(
    '/register',
    limitRegister,
    ...form,
    asyncRoute(async (req, res) => {
      const values = { email: text(req.body.email), fullName: text(req.body.fullName) };
      try {
        const { mailSent } = await accounts.register({ ...values, language: languageOfResponse(res), password: text(req.body.password), passwordConfirmation: text(req.body.passwordConfirmation) });
        res.redirect(303, mailSent ? '/register/sent' : '/register/sent?mail=failed');
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const t = tr(res);
        await sendView(res, 'register', { values, errors: translateFields(t, error.fields), formError: translateRule(t, error.message) }, 422);
      }
    }),
  );
  router.get(
    '/register/sent',
    asyncRoute(async (req, res) => {
      const failed = req.query.mail === 'failed';
      const t = tr(res);
      await sendView(res, 'message', {
        title: t(failed ? 'register.mailFailedTitle' : 'register.sentTitle'),
        message: t(failed ? 'register.mailFailedMessage' : 'register.sentMessage'),
        tone: failed ? 'warning' : 'success',
        link: failed ? { href: '/verify/resend', label: t('register.sendAgain') } : null,
      });
    }),
  );

  // ---- confirm: GET only shows the button, so a link scanner opening the URL confirms nothing ----
  router.get(
    '/verify',
    ...csrf.issue,
    asyncRoute(async (req, res) => {
      const token = text(req.query.token);
      if (!(await accounts.isVerificationTokenValid(token))) {
        if ((await accounts.verificationLinkState(token)) === 'alreadyConfirmed') await sendView(res, 'message', alreadyConfirmed(res));
        else await sendView(res, 'message', invalidLink(res, { href: '/verify/resend', labelKey: 'verify.newLink' }), 400);
        return;
      }
      res.set('Referrer-Policy', 'no-referrer');
      await sendView(res, 'verify', { token });
    }),
  );
  router.post(
    '/verify',
    ...form,
    asyncRoute(async (req, res) => {
      if (!(await accounts.confirmVerification(text(req.body.token)))) {
        // the button pressed twice, or a link already used: the address is confirmed all the same
        if ((await accounts.verificationLinkState(text(req.body.token))) === 'alreadyConfirmed') await sendView(res, 'message', alreadyConfirmed(res));
        else await sendView(res, 'message', invalidLink(res, { href: '/verify/resend', labelKey: 'verify.newLink' }), 400);
        return;
      }
      const t = tr(res);
      await sendView(res, 'message', {
        title: t('verify.confirmedTitle'),
        message: t('verify.confirmedMessage'),
        tone: 'success',
        link: { href: '/admin/login', label: t('site.nav.logIn') },
      });
    }),
  );

  // ---- resend the confirmation link ----
  const resendForm = (res: Response) => {
    const t = tr(res);
    return { title: t('verify.resendTitle'), intro: t('verify.resendIntro'), action: '/verify/resend', button: t('verify.resendButton') };
  };
  router.get('/verify/resend', ...csrf.issue, asyncRoute(async (_req, res) => sendView(res, 'email-form', resendForm(res))));
  router.post(
    '/verify/resend',
    limitResend,
    ...form,
    asyncRoute(async (req, res) => {
      const email = text(req.body.email);
      const problem = emailProblem(email);
      if (problem) {
        await sendView(res, 'email-form', { ...resendForm(res), values: { email }, errors: { email: translateRule(tr(res), problem) } }, 422);
        return;
      }
      inBackground(accounts.resendVerification(email, languageOfResponse(res)), 'resending a confirmation link');
      const t = tr(res);
      await sendView(res, 'message', { title: t('verify.resentTitle'), message: t('verify.resentMessage', { email }), tone: 'success' });
    }),
  );

  // ---- forgot and reset password ----
  const forgotForm = (res: Response) => {
    const t = tr(res);
    return { title: t('password.forgotTitle'), intro: t('password.forgotIntro'), action: '/password/forgot', button: t('password.forgotButton') };
  };
  router.get('/password/forgot', ...csrf.issue, asyncRoute(async (_req, res) => sendView(res, 'email-form', forgotForm(res))));
  router.post(
    '/password/forgot',
    limitReset,
    ...form,
    asyncRoute(async (req, res) => {
      const email = text(req.body.email);
      const problem = emailProblem(email);
      if (problem) {
        await sendView(res, 'email-form', { ...forgotForm(res), values: { email }, errors: { email: translateRule(tr(res), problem) } }, 422);
        return;
      }
      inBackground(accounts.requestPasswordReset(email, languageOfResponse(res)), 'sending a password reset link');
      const t = tr(res);
      await sendView(res, 'message', { title: t('password.forgotSentTitle'), message: t('password.forgotSentMessage', { email }), tone: 'success' });
    }),
  );
  router.get(
    '/password/reset',
    ...csrf.issue,
    asyncRoute(async (req, res) => {
      const token = text(req.query.token);
      if (!(await accounts.isResetTokenValid(token))) {
        await sendView(res, 'message', invalidLink(res, { href: '/password/forgot', labelKey: 'password.newLink' }), 400);
        return;
      }
      res.set('Referrer-Policy', 'no-referrer');
      await sendView(res, 'reset', { token });
    }),
  );
  router.post(
    '/password/reset',
    limitReset,
    ...form,
    asyncRoute(async (req, res) => {
      const token = text(req.body.token);
      let done: boolean;
      try {
        done = await accounts.resetPassword(token, text(req.body.password), text(req.body.passwordConfirmation));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        await sendView(res, 'reset', { token, errors: translateFields(tr(res), error.fields) }, 422);
        return;
      }
      if (!done) {
        await sendView(res, 'message', invalidLink(res, { href: '/password/forgot', labelKey: 'password.newLink' }), 400);
        return;
      }
      const t = tr(res);
      await sendView(res, 'message', { title: t('password.changedTitle'), message: t('password.changedMessage'), tone: 'success', link: { href: '/admin/login', label: t('site.nav.logIn') } });
    }),
  );

  return router;
}
