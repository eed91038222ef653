// The benchmark's baseline: plain pooled nodemailer, one mail in flight per connection, queued in order (the
// same bound on mails in flight as the engine's). Imports nothing but nodemailer and node:crypto, so a process
// measuring it (bench/send-one.ts) holds nothing else.
//
// It sends the mail the engine sends, written out by hand: the owner's name in From, the client's name in To, the
// owner's Reply-To, the delivery's Message-ID, the personal unsubscribe link (an HMAC per mail, as the engine makes
// it) in the footer and in the List-Unsubscribe headers. The footer's Cyrillic makes nodemailer encode the text
// part quoted-printable, so this mail costs nodemailer (and the server) more than the bare text mail the baseline
// sent before: comparing the engine with a cheaper mail measured the mail, not the engine. bench/send.ts checks that
// both give the same message (sameMailCheck) before it measures anything.
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';

export const FROM = 'Bench <bench@mailing.test>';
export const SUBJECT = 'Benchmark mailing';
export const BODY = 'Hello,\n\nthis is the benchmark mailing. '.repeat(20);
/** The engine's identity settings in the benchmark (EngineDeps.identity). */
export const IDENTITY = { appUrl: 'http://bench.test', unsubscribeSecret: 'bench-unsubscribe-secret-0123456789', mailFrom: FROM };
/** The engine's default Message-ID domain. */
const MESSAGE_ID_DOMAIN = 'mailing.local';

/** Who a raw mail is for, as the engine's benchmark mailing has them (bench/send-fixtures.ts). */
export interface RawRecipient {
  deliveryId: string;
  attemptId: number;
  clientId: number;
  ownerId: number;
  /** The owner: full name 'Bench', no sender name (the From name is the full name), their address the Reply-To. */
  ownerEmail: string;
  email: string;
  name: string;
}

/** The fields the engine's transport hands nodemailer for one mail (src/mail/smtp-transport.ts), in its order. */
export interface RawMail {
  from: { name: string; address: string };
  to: { name: string; address: string };
  replyTo: { name: string; address: string };
  subject: string;
  text: string;
  html: string | undefined;
  headers: Record<string, string>;
}

/**
 * The engine's mail to `r` (src/sending/build-mail.ts with src/audience/mail-identity.ts), for a message whose
 * subject, text and HTML are already rendered and hold no link of their own.
 */
export function rawMail(r: RawRecipient, content: { subject: string; text: string; html?: string }): RawMail {
  const mac = crypto.createHmac('sha256', IDENTITY.unsubscribeSecret).update(`unsubscribe:v1:${r.clientId}:${r.ownerId}`).digest('base64url');
  const url = `${IDENTITY.appUrl}/unsubscribe/${r.clientId}.${r.ownerId}.${mac}`;
  return {
    from: { name: 'Bench', address: 'bench@mailing.test' },
    to: { name: r.name, address: r.email },
    replyTo: { name: 'Bench', address: r.ownerEmail },
    subject: content.subject,
    text: `${content.text}\n\n-- \nUnsubscribe / Отписаться: ${url}\n`,
    html: content.html === undefined ? undefined : `${content.html}<p style="margin-top:2em;font-size:12px;color:#666"><a href="${url}">Unsubscribe / Отписаться</a></p>`,
    headers: {
      'Message-ID': `<delivery-${r.deliveryId}.attempt-${r.attemptId}@${MESSAGE_ID_DOMAIN}>`,
      'List-Unsubscribe': `<${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** Raw mail number i: ids and addresses of the same lengths as the engine's benchmark mailing's. */
export function rawRecipient(i: number): RawRecipient {
  return {
    deliveryId: String(100_000 + i),
    attemptId: 10,
    clientId: 100_000 + i,
    ownerId: 10,
    ownerEmail: `bench-10000-1763900000000-12345@mailing.test`,
    email: `c10-${i}@example.test`,
    name: `Client ${i}`,
  };
}

/** Sends n mails to the SMTP server at url; resolves with the seconds it took. */
export async function sendRaw(url: string, n: number, pool: { maxConnections: number; maxMessages: number }): Promise<number> {
  const transporter = nodemailer.createTransport({ pool: true, url, ...pool });
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: pool.maxConnections }, async () => {
      while (next < n) {
        const i = next++;
        await transporter.sendMail(rawMail(rawRecipient(i), { subject: SUBJECT, text: BODY }));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  transporter.close();
  return seconds;
}
