// The baseline of bench/cli.ts, a whole process as simple as sending can be: read a mailing's message, its owner and
// its recipients with one query each (pg), send them with pooled nodemailer, no delivery records, exit.
// Usage: node bench/raw-send.mjs <database url> <smtp url> <mailing id> <connections>
//
// It sends the mail the engine sends for that mailing, written out by hand as bench/raw-send.ts does for bench:send
// (a plain .mjs: it imports nothing of the project, so the process holds only pg and nodemailer): the owner's
// sender or full name in From (MAIL_FROM's address), the client's name in To, the owner's Reply-To, a Message-ID of
// the engine's shape, the personal unsubscribe link (an HMAC per mail with the service's secret, from the same
// environment as the service's: UNSUBSCRIBE_SECRET, else derived from SESSION_SECRET) in the footer and in the
// List-Unsubscribe headers (src/sending/build-mail.ts, src/audience/mail-identity.ts, src/audience/unsubscribe.ts).
// The benchmark's message has no template, so its subject and text go out as stored.
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import pg from 'pg';

const [databaseUrl, smtpUrl, mailingId, connections] = process.argv.slice(2);
const lanes = Number(connections);
const appUrl = process.env.APP_URL ?? 'http://localhost:3000';
const mailFrom = process.env.MAIL_FROM ?? 'Mailing <mailing@localhost>';
const secret = process.env.UNSUBSCRIBE_SECRET ?? crypto.createHmac('sha256', process.env.SESSION_SECRET ?? '').update('unsubscribe-links').digest('base64url');
const key = crypto.createSecretKey(Buffer.from(secret, 'utf8'));
const messageIdDomain = new URL(appUrl).hostname || 'mailing.local';

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const { rows: [message] } = await client.query(
  `SELECT m.subject, m.body, m.html, u.id AS owner_id, u.email AS owner_email, u.full_name, u.sender_name
   FROM mailings g JOIN messages m ON m.id = g.message_id JOIN users u ON u.id = g.owner_id WHERE g.id = $1`,
  [mailingId],
);
const { rows: recipients } = await client.query('SELECT c.id, c.email, c.full_name FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id WHERE mc.mailing_id = $1 ORDER BY c.id', [mailingId]);
await client.end();

// eslint-disable-next-line no-control-regex -- control characters are what it removes (src/audience/mail-identity.ts displayName)
const oneLine = (name) => (name ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
const from = { name: oneLine(message.sender_name) || oneLine(message.full_name), address: (/<([^>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom).trim() };
const html = message.html && message.html.trim() !== '' ? message.html : undefined;
const subject = message.subject.replace(/[\r\n]+/g, ' ').trim();

function mailTo(recipient) {
  const mac = crypto.createHmac('sha256', key).update(`unsubscribe:v1:${recipient.id}:${message.owner_id}`).digest('base64url');
  const url = `${appUrl}/unsubscribe/${recipient.id}.${message.owner_id}.${mac}`;
  const mail = {
    from: { name: from.name, address: from.address },
    to: { name: oneLine(recipient.full_name), address: recipient.email },
    replyTo: { name: from.name, address: message.owner_email },
    subject,
    text: `${message.body}\n\n-- \nUnsubscribe / Отписаться: ${url}\n`,
    headers: {
      // the engine's shape: <delivery-ID.attempt-ID@host>, with the client's id for the delivery's
      'Message-ID': `<delivery-${recipient.id}.attempt-${mailingId}@${messageIdDomain}>`,
      'List-Unsubscribe': `<${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
  if (html !== undefined) {
    const footer = `<p style="margin-top:2em;font-size:12px;color:#666"><a href="${url}">Unsubscribe / Отписаться</a></p>`;
    const end = html.search(/<\/body\s*>/i);
    mail.html = end === -1 ? `${html}${footer}` : `${html.slice(0, end)}${footer}${html.slice(end)}`;
  }
  return mail;
}

const transporter = nodemailer.createTransport({ pool: true, url: smtpUrl, maxConnections: lanes, maxMessages: Infinity });
let next = 0;
let sent = 0;
await Promise.all(
  Array.from({ length: lanes }, async () => {
    while (next < recipients.length) {
      const recipient = recipients[next++];
      await transporter.sendMail(mailTo(recipient));
      sent += 1;
    }
  }),
);
transporter.close();
process.stdout.write(`sent ${sent}\n`);
