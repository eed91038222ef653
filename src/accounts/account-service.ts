// Registration, e-mail verification and password reset: the domain behind the public site's account pages.
import { UniqueConstraintError, ValidationError as ModelValidationError, fn, col, where } from 'sequelize';
import type { Models, User } from '../models/index.js';
import type { MailTransport } from '../mail/transport.js';
import type { Logger } from '../log.js';
import { ValidationError } from '../errors.js';
import { hashPassword } from './passwords.js';
import { emailProblem, normalizeEmail, passwordProblem } from './account-rules.js';
import { consumeToken, issueToken, peekToken, tokenOwner } from './tokens.js';
import { endSessions } from './sessions.js';
import { passwordResetMail, verificationMail } from './account-mail.js';
import type { TokenPurpose } from '../models/account-token.js';
import { isLanguage, type Language } from '../languages.js';

export interface AccountServiceDeps {
  models: Pick<Models, 'sequelize' | 'User' | 'AccountToken'>;
  transport: MailTransport;
  /** Public base URL for the links, without a trailing slash. */
  appUrl: string;
  log: Logger;
  /** bcrypt cost; tests lower it. */
  passwordCost?: number;
  tokenTtlMs?: Partial<Record<TokenPurpose, number>>;
}

export interface RegistrationInput {
  email: string;
  password: string;
  passwordConfirmation: string;
  fullName?: string;
  /** The language of the visit (the sign-up page's); the confirmation e-mail is written in it. */
  language?: Language;
}

export interface RegistrationResult {
  user: User;
  /** False when the mail server refused or could not be reached: the account exists, the visitor can ask for a new link. */
  mailSent: boolean;
}

export const EMAIL_TAKEN = 'An account with this e-mail address already exists. Log in, or reset your password if you forgot it.';

export interface AccountService {
  register(input: RegistrationInput): Promise<RegistrationResult>;
  /** True when the verification link is valid (nothing is changed). */
  isVerificationTokenValid(token: string): Promise<boolean>;
  /**
   * What a confirmation link that is not valid (any more) stands for: 'alreadyConfirmed' when it was issued to an
   * account whose address is confirmed (the link was used, or a newer one was), else 'invalid'.
   */
  verificationLinkState(token: string): Promise<'alreadyConfirmed' | 'invalid'>;
  /** Marks the account verified; false when the link is unknown, expired or already used. */
  confirmVerification(token: string): Promise<boolean>;
  /** Sends a new link when the address belongs to an unverified, unblocked account; says nothing either way.
   * `language`: the visit's, used unless the person chose one in their profile. */
  resendVerification(email: string, language?: Language): Promise<void>;
  /** Sends a reset link when the address belongs to an unblocked account; says nothing either way. */
  requestPasswordReset(email: string, language?: Language): Promise<void>;
  isResetTokenValid(token: string): Promise<boolean>;
  /** Sets the new password; throws ValidationError for a bad password, returns false for a bad link. */
  resetPassword(token: string, password: string, confirmation: string): Promise<boolean>;
  /** Resolves once no call that sends an account mail (sign-up, new link, reset request) is running. The pages run
   * some in the background, so the answer's timing tells nothing about the address; shutdown and tests wait here. */
  idle(): Promise<void>;
}

/** An account e-mail's language: the person's own setting, else the visit's, else English. */
function mailLanguage(user: User, visit: Language | undefined): Language {
  return isLanguage(user.language) ? user.language : (visit ?? 'en');
}

function findByEmail(models: AccountServiceDeps['models'], email: string): Promise<User | null> {
  return models.User.findOne({ where: where(fn('lower', col('email')), normalizeEmail(email).toLowerCase()) });
}

function checkNewPassword(password: string, confirmation: string, email: string, fields: Record<string, string>): void {
  const weak = passwordProblem(password, email);
  if (weak) fields.password = weak;
  else if (password !== confirmation) fields.passwordConfirmation = 'The two passwords differ; type the same password twice.';
}

export function createAccountService(deps: AccountServiceDeps): AccountService {
  const { models, transport, appUrl, log } = deps;
  const ttl = (purpose: TokenPurpose): number | undefined => deps.tokenTtlMs?.[purpose];

  async function sendVerification(user: User, language: Language | undefined): Promise<boolean> {
    const token = await issueToken(models, user.id, 'verify', { ttlMs: ttl('verify') });
    try {
      await transport.send(verificationMail(user.email, appUrl, token, user.fullName, mailLanguage(user, language)));
      return true;
    } catch (error) {
      log.warn(`verification e-mail to user ${user.id} not sent: ${(error as Error).message}`);
      return false;
    }
  }

  const service: Omit<AccountService, 'idle'> = {
    async register(input) {
      const email = normalizeEmail(input.email ?? '');
      const fullName = (input.fullName ?? '').trim();
      const fields: Record<string, string> = {};
      const badEmail = emailProblem(email);
      if (badEmail) fields.email = badEmail;
      checkNewPassword(input.password ?? '', input.passwordConfirmation ?? '', email, fields);
      if (fullName.length > 200) fields.fullName = 'Use at most 200 characters for your name.';
      if (Object.keys(fields).length > 0) throw new ValidationError('Please correct the marked fields.', fields);
      if (await findByEmail(models, email)) throw new ValidationError(EMAIL_TAKEN, { email: EMAIL_TAKEN });

      const passwordHash = await hashPassword(input.password, deps.passwordCost);
      let user: User;
      try {
        // no group: a new account manages only its own clients, messages and mailings
        user = await models.User.create({ email, fullName, passwordHash, verifiedAt: null, blockedAt: null, blockedById: null, isSuperuser: false, lastLoginAt: null });
      } catch (error) {
        // the same address registered a moment ago by a concurrent request: the unique index decides
        if (error instanceof UniqueConstraintError) throw new ValidationError(EMAIL_TAKEN, { email: EMAIL_TAKEN });
        // the model's own e-mail check is stricter than ours on a few odd addresses (e.g. "a..b@example.com")
        if (error instanceof ModelValidationError) {
          const problem = 'Enter a valid e-mail address, like name@example.com.';
          throw new ValidationError(problem, { email: problem });
        }
        throw error;
      }
      return { user, mailSent: await sendVerification(user, input.language) };
    },

    async isVerificationTokenValid(token) {
      return (await peekToken(models, token, 'verify')) !== undefined;
    },

    async verificationLinkState(token) {
      const userId = await tokenOwner(models, token, 'verify');
      if (userId === undefined) return 'invalid';
      const user = await models.User.findByPk(userId, { attributes: ['id', 'verifiedAt'] });
      return user?.verifiedAt ? 'alreadyConfirmed' : 'invalid';
    },

    async confirmVerification(token) {
      return models.sequelize.transaction(async (transaction) => {
        const userId = await consumeToken(models, token, 'verify', transaction);
        if (userId === undefined) return false;
        await models.sequelize.query('UPDATE users SET verified_at = COALESCE(verified_at, now()), updated_at = now() WHERE id = :userId', {
          replacements: { userId },
          transaction,
        });
        return true;
      });
    },

    async resendVerification(email, language) {
      const user = await findByEmail(models, email);
      if (!user || user.verifiedAt !== null || user.blockedAt !== null) return;
      await sendVerification(user, language);
    },

    async requestPasswordReset(email, language) {
      const user = await findByEmail(models, email);
      if (!user || user.blockedAt !== null) return;
      const token = await issueToken(models, user.id, 'reset', { ttlMs: ttl('reset') });
      try {
        await transport.send(passwordResetMail(user.email, appUrl, token, mailLanguage(user, language)));
      } catch (error) {
        log.warn(`password reset e-mail to user ${user.id} not sent: ${(error as Error).message}`);
      }
    },

    async isResetTokenValid(token) {
      return (await peekToken(models, token, 'reset')) !== undefined;
    },

    async resetPassword(token, password, confirmation) {
      const owner = await peekToken(models, token, 'reset');
      if (owner === undefined) return false;
      const user = await models.User.findByPk(owner);
      const fields: Record<string, string> = {};
      checkNewPassword(password ?? '', confirmation ?? '', user?.email ?? '', fields);
      // a weak password must not use the link up: the visitor corrects it and submits again
      if (Object.keys(fields).length > 0) throw new ValidationError('Please correct the marked fields.', fields);
      const passwordHash = await hashPassword(password, deps.passwordCost);
      return models.sequelize.transaction(async (transaction) => {
        const userId = await consumeToken(models, token, 'reset', transaction);
        if (userId === undefined) return false;
        // the link proved the visitor reads this mailbox, which is all verification asks
        await models.sequelize.query(
          'UPDATE users SET password_hash = :passwordHash, verified_at = COALESCE(verified_at, now()), updated_at = now() WHERE id = :userId',
          { replacements: { userId, passwordHash }, transaction },
        );
        // whoever knew the old password is logged out everywhere
        await endSessions(models.sequelize, userId, { transaction });
        return true;
      });
    },
  };

  // the calls that send a mail, counted while they run
  const running = new Set<Promise<unknown>>();
  function tracked<T>(work: Promise<T>): Promise<T> {
    running.add(work);
    const forget = (): void => void running.delete(work);
    work.then(forget, forget);
    return work;
  }
  return {
    ...service,
    register: (input) => tracked(service.register(input)),
    resendVerification: (email, language) => tracked(service.resendVerification(email, language)),
    requestPasswordReset: (email, language) => tracked(service.requestPasswordReset(email, language)),
    async idle() {
      // a call started while waiting is waited for too
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
