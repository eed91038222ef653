// The benchmark's baseline: plain pooled nodemailer, one mail in flight per connection, queued in order (the
// same bound on mails in flight as the engine's). Imports nothing but nodemailer, so a process measuring it
// (bench/send-one.ts) holds nothing else.
import nodemailer from 'nodemailer';

export const FROM = 'Bench <bench@mailing.test>';
export const SUBJECT = 'Benchmark mailing';
export const BODY = 'Hello,\n\nthis is the benchmark mailing. '.repeat(20);

/** Sends n mails to the SMTP server at url; resolves with the seconds it took. */
export async function sendRaw(url: string, n: number, pool: { maxConnections: number; maxMessages: number }): Promise<number> {
  const transporter = nodemailer.createTransport({ pool: true, url, ...pool });
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: pool.maxConnections }, async () => {
      while (next < n) {
        const i = next++;
        await transporter.sendMail({ from: FROM, to: `raw-${i}@example.test`, subject: SUBJECT, text: BODY, messageId: `<raw-${i}@mailing.test>` });
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  transporter.close();
  return seconds;
}
