// Who a mailing mail is from and to, and how its recipient opts out: the addresses (From: the owner's sender name
// with the service's address, To: the client's name, Reply-To: the owner), the RFC 8058 headers and the footer
// line with the personal unsubscribe link. The engine's mail builder applies it to every mailing mail.
import type { Config } from '../config.js';
import type { MailAddress, OutgoingMail } from '../mail/transport.js';
import { unsubscribeUrl } from './unsubscribe.js';

/** What the engine needs from the configuration to address and sign mailing mails. */
export type MailIdentitySettings = Pick<Config, 'appUrl' | 'unsubscribeSecret' | 'mailFrom'>;

/** The owner of a run's mailing, as its mails present them. */
export interface MailOwner {
  id: number;
  email: string;
  fullName: string;
  senderName: string;
}

/** One recipient of a run. */
export interface MailRecipient {
  /** Null when the client was deleted after the run's snapshot. */
  clientId: number | null;
  email: string;
  fullName: string;
}

/** The address part of MAIL_FROM ("Name <address>" or an address). */
export function serviceAddress(mailFrom: string): string {
  return (/<([^>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom).trim();
}

/** A display name for a header: one line (control characters become spaces), trimmed; nodemailer encodes the rest. */
export function displayName(name: string | null | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (name ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The owner's sender name, else their full name, else nothing (the bare service address). */
export function senderNameOf(owner: Pick<MailOwner, 'senderName' | 'fullName'>): string {
  return displayName(owner.senderName) || displayName(owner.fullName);
}

/** The footer line of the text part. Both languages: a message's language is the owner's to choose. */
export function unsubscribeFooterText(url: string): string {
  return `\n\n-- \nUnsubscribe / Отписаться: ${url}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The footer of an HTML part, placed before </body> when there is one. */
export function withUnsubscribeFooterHtml(html: string, url: string): string {
  const href = escapeHtml(url);
  const footer = `<p style="margin-top:2em;font-size:12px;color:#666"><a href="${href}">Unsubscribe / Отписаться</a></p>`;
  const end = html.search(/<\/body\s*>/i);
  return end === -1 ? `${html}${footer}` : `${html.slice(0, end)}${footer}${html.slice(end)}`;
}

/** One recipient's mail, addressed by a run's `MailingAddresser`. */
export type MailingAddresser = (recipient: MailRecipient, content: OutgoingMail, unsubscribeLink?: string) => OutgoingMail;

/**
 * The addresser of one run: applies the addresses, headers and footer of a mailing mail to its content (subject,
 * text, html, other headers). What every mail of the run shares (From, the Reply-To, the service address) is worked
 * out once, each mail then only gets its To, its unsubscribe link, the footer and the headers; without a client
 * (deleted after the snapshot) there is no link to make, and the mail goes without one. `unsubscribeLink` is
 * the recipient's link when the caller made it already (the engine makes it once per mail for {{ unsubscribe_url }}
 * and the footer both); it must be `unsubscribeUrl(settings, recipient.clientId, owner.id)`.
 */
export function mailingAddresser(settings: MailIdentitySettings, owner: MailOwner): MailingAddresser {
  const from: MailAddress = { name: senderNameOf(owner), address: serviceAddress(settings.mailFrom) };
  const replyTo: MailAddress = { name: from.name, address: owner.email };
  // written out field by field: object spreads that add keys ({ ...content, from }) cost V8 several µs each, per mail
  return (recipient, content, unsubscribeLink) => {
    const mail: OutgoingMail = {
      from: { name: from.name, address: from.address },
      to: { name: displayName(recipient.fullName), address: recipient.email },
      replyTo: { name: replyTo.name, address: replyTo.address },
      subject: content.subject,
      text: content.text,
    };
    if (content.html !== undefined) mail.html = content.html;
    if (content.headers !== undefined) mail.headers = content.headers;
    if (recipient.clientId === null) return mail;
    const url = unsubscribeLink ?? unsubscribeUrl(settings, recipient.clientId, owner.id);
    // a body that shows the link already ({{ unsubscribe_url }} in the message) gets no second one
    if (!content.text.includes(url)) mail.text = `${content.text}${unsubscribeFooterText(url)}`;
    if (content.html !== undefined && !content.html.includes(url)) mail.html = withUnsubscribeFooterHtml(content.html, url);
    mail.headers = Object.assign({}, content.headers, { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    return mail;
  };
}
