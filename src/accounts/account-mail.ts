// The verification and password-reset e-mails: plain text, with the link built from the service's public URL, in
// the person's language (one i18next catalogue per language: src/accounts/mail-locale/en.json, ru.json).
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import type { OutgoingMail } from '../mail/transport.js';
import { LANGUAGES, type Language } from '../languages.js';
import { projectRoot } from '../paths.js';

export const MAIL_LOCALE_DIR = path.join(projectRoot, 'src', 'accounts', 'mail-locale');

export function readMailCatalogue(language: Language): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(MAIL_LOCALE_DIR, `${language}.json`), 'utf8')) as Record<string, unknown>;
}

const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: Object.fromEntries(LANGUAGES.map((language) => [language, { translation: readMailCatalogue(language) }])),
  supportedLngs: [...LANGUAGES],
  fallbackLng: false,
  interpolation: { escapeValue: false }, // plain text
});

function mailT(language: Language): TFunction {
  return i18n.getFixedT(language);
}

export function verificationMail(to: string, appUrl: string, token: string, name: string, language: Language = 'en'): OutgoingMail {
  const t = mailT(language);
  const link = `${appUrl}/verify?token=${encodeURIComponent(token)}`;
  return {
    to,
    subject: t('verification.subject'),
    text: `${name ? t('verification.greetingName', { name }) : t('verification.greeting')}\n\n${t('verification.body')}\n\n${link}\n\n${t('verification.footer')}\n`,
  };
}

export function passwordResetMail(to: string, appUrl: string, token: string, language: Language = 'en'): OutgoingMail {
  const t = mailT(language);
  const link = `${appUrl}/password/reset?token=${encodeURIComponent(token)}`;
  return {
    to,
    subject: t('reset.subject'),
    text: `${t('reset.intro', { email: to })}\n\n${t('reset.body')}\n\n${link}\n\n${t('reset.footer')}\n`,
  };
}
