// The baseline of bench/cli.ts, a whole process as simple as sending can be: read a mailing's recipients and its
// message with one query each (pg), send them with pooled nodemailer, no delivery records, exit.
// Usage: node bench/raw-send.mjs <database url> <smtp url> <mailing id> <connections>
import nodemailer from 'nodemailer';
import pg from 'pg';

const [databaseUrl, smtpUrl, mailingId, connections] = process.argv.slice(2);
const lanes = Number(connections);
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const { rows: [message] } = await client.query('SELECT m.subject, m.body FROM mailings g JOIN messages m ON m.id = g.message_id WHERE g.id = $1', [mailingId]);
const { rows: recipients } = await client.query('SELECT c.id, c.email FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id WHERE mc.mailing_id = $1 ORDER BY c.id', [mailingId]);
await client.end();

const transporter = nodemailer.createTransport({ pool: true, url: smtpUrl, maxConnections: lanes, maxMessages: Infinity });
let next = 0;
let sent = 0;
await Promise.all(
  Array.from({ length: lanes }, async () => {
    while (next < recipients.length) {
      const recipient = recipients[next++];
      await transporter.sendMail({ from: 'Bench <bench@mailing.test>', to: recipient.email, subject: message.subject, text: message.body, messageId: `<raw-${recipient.id}@mailing.test>` });
      sent += 1;
    }
  }),
);
transporter.close();
process.stdout.write(`sent ${sent}\n`);
