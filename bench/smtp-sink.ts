// A plain smtp-server that accepts and discards every mail, run as its own process so it does not share the
// benchmark's event loop; prints its port, counts mails, exits on SIGTERM (printing the count, and the times of the
// first connection and of the last mail, ms since the epoch, for bench/cli.ts).
// `--greeting-ms N` delays the 220 greeting, `--reply-ms N` each reply to MAIL FROM, RCPT TO and the end of DATA
// (a slow server, for the benchmark's "slow server" row). `--track-recipients` also counts the distinct recipients of
// the mails received and the recipients that got more than one (bench/workers.ts checks every recipient got one).
// `--arrival-times` also prints when each mail arrived (the end of its message, ms since the epoch; bench/rate.ts).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

function knob(name: string): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? 0 : Number(process.argv[at + 1] ?? 0);
}
const greetingMs = knob('--greeting-ms');
const replyMs = knob('--reply-ms');
/** Mails received per recipient (lower-cased), with `--track-recipients` only. */
const perRecipient = process.argv.includes('--track-recipients') ? new Map<string, number>() : undefined;
/** When each mail's message ended, with `--arrival-times` only. */
const arrivals = process.argv.includes('--arrival-times') ? ([] as number[]) : undefined;
const later = (ms: number, then: () => void): void => {
  if (ms > 0) setTimeout(then, ms);
  else then();
};

let received = 0;
let firstConnectionAt = 0;
let lastMailAt = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  disableReverseLookup: true,
  logger: false,
  onConnect(_session, callback) {
    firstConnectionAt ||= Date.now();
    later(greetingMs, () => callback());
  },
  onMailFrom(_address, _session, callback) {
    later(replyMs, () => callback());
  },
  onRcptTo(_address, _session, callback) {
    later(replyMs, () => callback());
  },
  onData(stream, session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      received += 1;
      if (perRecipient) {
        for (const { address } of session.envelope.rcptTo) perRecipient.set(address.toLowerCase(), (perRecipient.get(address.toLowerCase()) ?? 0) + 1);
      }
      lastMailAt = Date.now();
      arrivals?.push(lastMailAt);
      later(replyMs, () => callback());
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(server.server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  const recipients = perRecipient ? ` recipients ${perRecipient.size} duplicated ${[...perRecipient.values()].filter((n) => n > 1).length}` : '';
  if (arrivals) process.stdout.write(`arrivals ${arrivals.join(',')}\n`);
  process.stdout.write(`received ${received} first-connection ${firstConnectionAt} last-mail ${lastMailAt}${recipients}\n`);
  server.close(() => process.exit(0));
});
