// An SmtpTestServer in a process of its own, for load tests: parsing 10,000 mails then does not share the event
// loop the test measures (in production the mail server is another machine). Prints "listening smtp://…", then
// "received N" after every 1,000 mails. Usage: node --import tsx test/helpers/smtp-test-server-process.ts
import { SmtpTestServer } from './smtp-test-server.js';

const EVERY = 1000;
const server = await SmtpTestServer.start();
process.stdout.write(`listening ${server.url}\n`);
process.once('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
for (let n = EVERY; ; n += EVERY) {
  await server.waitForMessages(n, 24 * 3600_000);
  process.stdout.write(`received ${server.messages.length}\n`);
}
