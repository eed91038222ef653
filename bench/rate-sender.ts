// One sending process of `npm run bench:rate`: takes slots of the shared send-rate limit (src/sending/rate-limit.ts)
// from startAt to endAt over 5 lanes and sends one mail per slot to the SMTP server (the slot taken once the mail
// holds a connection and checked again before the message's bytes, as the send loop does).
// Usage: tsx bench/rate-sender.ts <databaseUrl> <smtpUrl> <rate, e.g. 50/s, or none> <limit name>; prints "ready",
// then reads "<startAt ms> <endAt ms>" on stdin (the parent starts every sender together once all are ready).
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createSmtpTransport } from '../src/mail/smtp-transport.js';
import { createRateLimiter, slotHooks } from '../src/sending/rate-limit.js';

const [databaseUrl, smtpUrl, rateText, name] = process.argv.slice(2);
// "none": no limit (the benchmark's baseline)
const rate = rateText === 'none' ? undefined : loadConfig({ SEND_RATE: rateText }).sendRate!;
const db = await openDatabase({ databaseUrl: databaseUrl!, embeddedPostgresPort: 0, dataDir: '/tmp' }, { migrate: false });
const transport = createSmtpTransport({ url: smtpUrl!, from: 'Bench <bench@mailing.test>', pool: { maxConnections: 5, maxMessages: 100_000 }, timeouts: {}, logger: () => undefined });
const limiter = rate && createRateLimiter(db.sequelize, rate, name);
process.stdout.write('ready\n');
const [startAt, endAt] = await new Promise<number[]>((resolve) => {
  process.stdin.once('data', (chunk: Buffer) => resolve(chunk.toString().trim().split(' ').map(Number)));
});
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
let sent = 0;
await Promise.all(
  Array.from({ length: 5 }, async () => {
    while (Date.now() < Number(endAt)) {
      // as the send loop does: the slot is taken once the mail holds a connection, and checked again before the
      // message's bytes
      const hooks = limiter && slotHooks(limiter);
      const late = await transport
        .send({ to: `r${process.pid}-${sent}@bench.test`, subject: 'rate bench', text: 'Hello.' }, hooks && {
          beforeStart: async () => {
            await hooks.beforeStart();
            if (Date.now() >= Number(endAt)) throw new Error('late');
          },
          beforeData: hooks.beforeData,
        })
        .then(() => false, (error: unknown) => (error as Error).message === 'late');
      if (late) break;
      sent += 1;
    }
  }),
);
process.stdout.write(`sent ${sent}\n`);
await transport.close();
await db.close();
