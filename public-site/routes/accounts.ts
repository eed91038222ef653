// Account pages: sign up, confirm the e-mail address, send the link again, forgot and reset password.
import express, { Router, type RequestHandler } from 'express';
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

const INVALID_LINK = {
  title: 'This link does not work',
  message: 'The link is invalid, was already used, or has expired. Ask for a new one below.',
  tone: 'warning',
};

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
        const { mailSent } = await accounts.register({ ...values, password: text(req.body.password), passwordConfirmation: text(req.body.passwordConfirmation) });
        res.redirect(303, mailSent ? '/register/sent' : '/register/sent?mail=failed');
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        await sendView(res, 'register', { values, errors: error.fields, formError: error.message }, 422);
      }
    }),
  );
  router.get(
    '/register/sent',
    asyncRoute(async (req, res) => {
      const failed = req.query.mail === 'failed';
      await sendView(res, 'message', {
        title: failed ? 'Account created' : 'Check your inbox',
        message: failed
          ? 'Your account is created, but we could not send the confirmation e-mail just now. Ask for a new link in a few minutes.'
          : 'We sent you an e-mail with a link to confirm your address. Open it to activate your account; it expires in 48 hours.',
        tone: failed ? 'warning' : 'success',
        link: failed ? { href: '/verify/resend', label: 'Send the link again' } : null,
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
        await sendView(res, 'message', { ...INVALID_LINK, link: { href: '/verify/resend', label: 'Send a new link' } }, 400);
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
        await sendView(res, 'message', { ...INVALID_LINK, link: { href: '/verify/resend', label: 'Send a new link' } }, 400);
        return;
      }
      await sendView(res, 'message', {
        title: 'Address confirmed',
        message: 'Thank you: your e-mail address is confirmed and your account is active. You can log in now.',
        tone: 'success',
        link: { href: '/admin/login', label: 'Log in' },
      });
    }),
  );

  // ---- resend the confirmation link ----
  const resendForm = { title: 'Send the confirmation link again', intro: 'Enter the address you signed up with. If it belongs to an account that is not confirmed yet, we send a new link.', action: '/verify/resend', button: 'Send the link' };
  router.get('/verify/resend', ...csrf.issue, asyncRoute(async (_req, res) => sendView(res, 'email-form', resendForm)));
  router.post(
    '/verify/resend',
    limitResend,
    ...form,
    asyncRoute(async (req, res) => {
      const email = text(req.body.email);
      const problem = emailProblem(email);
      if (problem) {
        await sendView(res, 'email-form', { ...resendForm, values: { email }, errors: { email: problem } }, 422);
        return;
      }
      inBackground(accounts.resendVerification(email), 'resending a confirmation link');
      await sendView(res, 'message', {
        title: 'Check your inbox',
        message: `If ${email} belongs to an account that still needs confirming, a new link is on its way. Earlier links no longer work.`,
        tone: 'success',
      });
    }),
  );

  // ---- forgot and reset password ----
  const forgotForm = { title: 'Forgot your password?', intro: 'Enter the address of your account and we will send you a link to choose a new password.', action: '/password/forgot', button: 'Send the reset link' };
  router.get('/password/forgot', ...csrf.issue, asyncRoute(async (_req, res) => sendView(res, 'email-form', forgotForm)));
  router.post(
    '/password/forgot',
    limitReset,
    ...form,
    asyncRoute(async (req, res) => {
      const email = text(req.body.email);
      const problem = emailProblem(email);
      if (problem) {
        await sendView(res, 'email-form', { ...forgotForm, values: { email }, errors: { email: problem } }, 422);
        return;
      }
      inBackground(accounts.requestPasswordReset(email), 'sending a password reset link');
      await sendView(res, 'message', {
        title: 'Check your inbox',
        message: `If ${email} belongs to an account, a link to choose a new password is on its way. It expires in one hour.`,
        tone: 'success',
      });
    }),
  );
  router.get(
    '/password/reset',
    ...csrf.issue,
    asyncRoute(async (req, res) => {
      const token = text(req.query.token);
      if (!(await accounts.isResetTokenValid(token))) {
        await sendView(res, 'message', { ...INVALID_LINK, link: { href: '/password/forgot', label: 'Ask for a new link' } }, 400);
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
        await sendView(res, 'reset', { token, errors: error.fields }, 422);
        return;
      }
      if (!done) {
        await sendView(res, 'message', { ...INVALID_LINK, link: { href: '/password/forgot', label: 'Ask for a new link' } }, 400);
        return;
      }
      await sendView(res, 'message', {
        title: 'Password changed',
        message: 'Your new password is saved, and any other open session of your account was logged out.',
        tone: 'success',
        link: { href: '/admin/login', label: 'Log in' },
      });
    }),
  );

  return router;
}
