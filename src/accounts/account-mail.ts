// The verification and password-reset e-mails: plain text, with the link built from the service's public URL.
import type { OutgoingMail } from '../mail/transport.js';

export function verificationMail(to: string, appUrl: string, token: string, name: string): OutgoingMail {
  const link = `${appUrl}/verify?token=${encodeURIComponent(token)}`;
  return {
    to,
    subject: 'Confirm your e-mail address for Mailing Service',
    text:
      `Hello${name ? ` ${name}` : ''},\n\n` +
      `please confirm your e-mail address by opening this link and pressing "Confirm":\n\n${link}\n\n` +
      'The link works once and expires in 48 hours. If you did not sign up for Mailing Service, ignore this e-mail.\n',
  };
}

export function passwordResetMail(to: string, appUrl: string, token: string): OutgoingMail {
  const link = `${appUrl}/password/reset?token=${encodeURIComponent(token)}`;
  return {
    to,
    subject: 'Reset your Mailing Service password',
    text:
      `Someone asked to reset the password of the Mailing Service account for ${to}.\n\n` +
      `To choose a new password, open this link:\n\n${link}\n\n` +
      'The link works once and expires in one hour. If you did not ask for this, ignore this e-mail: your password stays as it is.\n',
  };
}
