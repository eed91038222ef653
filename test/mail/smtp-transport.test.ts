// The pooled SMTP transport against a real SMTP server on loopback, well-behaved and misbehaving.
import { expect } from 'chai';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import type { SmtpTransportOptions } from '../../src/mail/smtp-transport.js';
import { MailSendError } from '../../src/mail/mail-errors.js';
import type { MailTransport, OutgoingMail } from '../../src/mail/transport.js';
import { SmtpTestServer, sharedSmtpTestServer } from '../helpers/smtp-test-server.js';

const FROM = 'Mailing Service <no-reply@mailing.test>';
// short enough to keep the suite quick, long enough for smtp-server's 100 ms greeting pause
const TIMEOUTS = { connectionMs: 500, greetingMs: 300, socketMs: 400, sendMs: 3000 };

function mailTo(to: string, subject = 'Hello'): OutgoingMail {
  return { to, subject, text: `Hi ${to}` };
}

async function failureOf(promise: Promise<unknown>): Promise<MailSendError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(MailSendError);
    return error as MailSendError;
  }
  expect.fail('expected the send to fail');
}

describe('the SMTP transport', function () {
  let server: SmtpTestServer;
  let transport: MailTransport;
  let logged: string[];
  let unexpected: unknown[];
  const recordUnexpected = (error: unknown): void => {
    unexpected.push(error);
  };

  function open(overrides: Partial<SmtpTransportOptions> = {}): MailTransport {
    return createSmtpTransport({
      url: server.url,
      from: FROM,
      pool: { maxConnections: 2, maxMessages: 50 },
      timeouts: TIMEOUTS,
      logger: (line) => logged.push(line),
      ...overrides,
    });
  }

  before(async function () {
    server = await sharedSmtpTestServer();
  });

  beforeEach(function () {
    logged = [];
    unexpected = [];
    process.on('unhandledRejection', recordUnexpected);
    process.on('uncaughtException', recordUnexpected);
    transport = open();
  });

  afterEach(async function () {
    await transport.close();
    server.reset();
    await server.acceptConnections();
    // give late socket events a chance to surface before the spies go
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', recordUnexpected);
    process.off('uncaughtException', recordUnexpected);
    expect(unexpected, 'unhandled errors during the test').to.deep.equal([]);
  });

  it('when six sends with a beforeStart share a pool of two connections, then no more than two beforeStarts run at once, each mail arrives after its own beforeStart ended, and a beforeStart that throws sends nothing and rejects with its error', async () => {
    let running = 0;
    let most = 0;
    const startedAt = new Map<string, number>();
    const beforeStart = (to: string) => async (): Promise<void> => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      running -= 1;
      startedAt.set(to, Date.now());
    };
    const recipients = Array.from({ length: 6 }, (_, i) => `slot-${i}@example.test`);
    await Promise.all(recipients.map((to) => transport.send(mailTo(to), { beforeStart: beforeStart(to) })));
    expect(most).to.equal(2);
    for (const to of recipients) {
      const mail = server.messages.find((m) => m.envelopeTo.includes(to));
      expect(mail, to).to.not.equal(undefined);
      expect(mail!.receivedAt).to.be.at.least(startedAt.get(to)!);
    }
    const refusal = new Error('stopped before its slot');
    let caught: unknown;
    await transport.send(mailTo('never@example.test'), { beforeStart: () => Promise.reject(refusal) }).catch((error: unknown) => {
      caught = error;
    });
    expect(caught).to.equal(refusal);
    // the connection was given back: the pool still sends
    await transport.send(mailTo('after@example.test'));
    const arrived = server.messages.map((m) => m.envelopeTo[0]);
    expect(arrived).to.include('after@example.test');
    expect(arrived).to.not.include('never@example.test');
  });

  it('when a send has a beforeData, then it runs after the server took the recipient and the mail arrives after it ended; a beforeData that throws sends nothing, rejects with its error, and the pool still sends', async () => {
    const to = 'gate@example.test';
    let rcptSeenAtCall = -1;
    let endedAt = 0;
    await transport.send(mailTo(to), {
      beforeStart: async () => undefined,
      beforeData: async () => {
        rcptSeenAtCall = server.rcptAttempts(to);
        await new Promise((resolve) => setTimeout(resolve, 150));
        endedAt = Date.now();
      },
    });
    expect(rcptSeenAtCall, 'RCPT TO commands the server had seen when beforeData ran').to.equal(1);
    const [mail] = server.messagesTo(to);
    expect(mail!.receivedAt).to.be.at.least(endedAt);
    const refusal = new Error('the slot went stale and no other came');
    let caught: unknown;
    await transport.send(mailTo('never-data@example.test'), { beforeData: () => Promise.reject(refusal) }).catch((error: unknown) => {
      caught = error;
    });
    expect(caught).to.equal(refusal);
    await transport.send(mailTo('after-data@example.test'));
    await transport.send(mailTo('after-data-2@example.test'));
    await transport.send(mailTo('after-data-3@example.test'));
    const arrived = server.messages.map((m) => m.envelopeTo[0]);
    expect(arrived).to.include.members(['after-data@example.test', 'after-data-2@example.test', 'after-data-3@example.test']);
    expect(arrived).to.not.include('never-data@example.test');
  });

  it('when the server accepts the mail, then it arrives with sender, subject, bodies and headers', async function () {
    const info = await transport.send({
      to: 'ada@example.test',
      subject: 'Spring news',
      text: 'Plain body',
      html: '<p>HTML body</p>',
      headers: { 'X-Mailing-Id': '42' },
    });

    const [mail] = server.messagesTo('ada@example.test');
    expect(mail, 'received mail').to.not.equal(undefined);
    expect(mail!.envelopeFrom).to.equal('no-reply@mailing.test');
    expect(mail!.subject).to.equal('Spring news');
    expect(mail!.text.trim()).to.equal('Plain body');
    expect(mail!.html).to.contain('<p>HTML body</p>');
    expect(mail!.headers['x-mailing-id']).to.equal('42');
    expect(info.responseCode).to.equal(250);
    expect(info.response).to.match(/^250 /);
    expect(info.messageId).to.match(/^<.+@mailing\.test>$/);
  });

  it('when a mail names its own sender, then that sender is used instead of the default', async function () {
    await transport.send({ ...mailTo('bob@example.test'), from: 'owner@example.test' });

    expect(server.messagesTo('bob@example.test')[0]?.envelopeFrom).to.equal('owner@example.test');
  });

  it('when many mails are sent at once, then all arrive over no more connections than the pool allows', async function () {
    const recipients = Array.from({ length: 20 }, (_, i) => `user${i}@example.test`);

    await Promise.all(recipients.map((to) => transport.send(mailTo(to))));

    expect(server.messages).to.have.length(20);
    expect(server.connectionCount).to.be.at.most(2);
  });

  it('when the server answers 550 for a recipient, then the error is permanent and keeps the server text', async function () {
    server.refuseRecipient('gone@example.test', 550, '5.1.1 No such user here');

    const error = await failureOf(transport.send(mailTo('gone@example.test')));

    expect(error.temporary).to.equal(false);
    expect(error.responseCode).to.equal(550);
    expect(error.response).to.equal('550 5.1.1 No such user here');
    expect(error.code).to.equal('EENVELOPE');
    expect(error.message).to.contain('5.1.1 No such user here');
    expect(server.rcptAttempts('gone@example.test')).to.equal(1);
  });

  it('when the server answers 451 once for a recipient, then the error is temporary and the next try is delivered', async function () {
    server.refuseRecipient('grey@example.test', 451, '4.7.1 Greylisted, come back later', { times: 1 });

    const error = await failureOf(transport.send(mailTo('grey@example.test')));
    await transport.send(mailTo('grey@example.test'));

    expect(error.temporary).to.equal(true);
    expect(error.responseCode).to.equal(451);
    expect(error.response).to.contain('Greylisted');
    expect(server.rcptAttempts('grey@example.test')).to.equal(2);
    expect(server.messagesTo('grey@example.test')).to.have.length(1);
  });

  it('when one recipient is refused, then the mails to the others still arrive', async function () {
    server.refuseRecipient('gone@example.test', 550, '5.1.1 No such user here');

    const results = await Promise.allSettled(['a@example.test', 'gone@example.test', 'b@example.test'].map((to) => transport.send(mailTo(to))));

    expect(results.map((result) => result.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(server.messages.map((mail) => mail.envelopeTo[0]).sort()).to.deep.equal(['a@example.test', 'b@example.test']);
  });

  it('when the greeting comes later than the greeting timeout, then the error is a temporary timeout', async function () {
    server.delayGreeting(TIMEOUTS.greetingMs + 400);

    const error = await failureOf(transport.send(mailTo('slow@example.test')));

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('ETIMEDOUT');
    expect(error.message).to.contain('greeting');
  });

  it('when the server stops answering after MAIL FROM, then the socket timeout gives a temporary error', async function () {
    server.stallAt('mail');
    const started = Date.now();

    const error = await failureOf(transport.send(mailTo('stall@example.test')));

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('ETIMEDOUT');
    expect(Date.now() - started).to.be.below(TIMEOUTS.sendMs);
  });

  it('when the server stops answering after the message body, then the error is temporary and nothing is stored', async function () {
    server.stallAt('data');

    const error = await failureOf(transport.send(mailTo('stall@example.test')));

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('ETIMEDOUT');
    expect(error.unknownOutcome).to.equal(true);
    expect(server.messages).to.have.length(0);
  });

  it('when the server stops answering before the message body, then the outcome is not unknown (nothing could be accepted)', async function () {
    server.stallAt('rcpt');

    const error = await failureOf(transport.send(mailTo('stall@example.test')));

    expect(error.code).to.equal('ETIMEDOUT');
    expect(error.unknownOutcome).to.equal(false);
  });

  it('when the server answers the end of DATA with garbage, then the outcome is unknown and the server has the mail once', async function () {
    server.garbageAt('data', { text: 'WHAT IS THIS' });

    const error = await failureOf(transport.send(mailTo('garbage-data@example.test')));

    expect(error.unknownOutcome).to.equal(true);
    expect(error.message).to.contain('WHAT IS THIS');
    expect(server.messagesTo('garbage-data@example.test')).to.have.length(1);
  });

  it('when a send takes longer than the send deadline, then it is given up with a temporary error', async function () {
    await transport.close();
    // a socket timeout longer than the deadline: only the deadline can end this send
    transport = open({ timeouts: { ...TIMEOUTS, socketMs: 5000, sendMs: 600 } });
    server.stallAt('rcpt');
    const started = Date.now();

    const error = await failureOf(transport.send(mailTo('stall@example.test')));

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('EABORT');
    expect(Date.now() - started).to.be.below(2000);
  });

  it('when the server answers 421 and hangs up mid-batch, then the rest fail as temporary and later sends recover', async function () {
    server.closeAfterMessages(2, { text: '4.3.2 Too busy, try again later' });

    const results: PromiseSettledResult<unknown>[] = [];
    for (const i of [1, 2, 3, 4]) {
      // one after the other, so "after 2 mails" does not race between the pool's connections
      results.push((await Promise.allSettled([transport.send(mailTo(`batch${i}@example.test`))]))[0]!);
    }
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    server.reset();
    await transport.send(mailTo('after@example.test'));

    expect(results.map((result) => result.status)).to.deep.equal(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    for (const { reason } of failures) {
      expect(reason).to.be.instanceOf(MailSendError);
      expect(reason.temporary).to.equal(true);
      expect(reason.responseCode).to.equal(421);
      expect(reason.response).to.contain('Too busy, try again later');
    }
    expect(server.messagesTo('after@example.test')).to.have.length(1);
  });

  it('when the server cuts the connection at RCPT TO, then the error is temporary', async function () {
    server.dropAt('rcpt');

    const error = await failureOf(transport.send(mailTo('cut@example.test')));

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('ECONNECTION');
  });

  it('when the server cuts the connection after some mails, then the pool opens a new one for later sends', async function () {
    await transport.send(mailTo('first@example.test'));
    server.dropAfterMessages(0, { times: 1 });

    // the pool moves the mail to a fresh connection, since not a byte of it was sent on the dead one
    await transport.send(mailTo('second@example.test'));

    expect(server.messages.map((mail) => mail.envelopeTo[0])).to.deep.equal(['first@example.test', 'second@example.test']);
    expect(server.connectionCount).to.equal(2);
  });

  it('when the server answers garbage to MAIL FROM, then the error is temporary and keeps what it said', async function () {
    server.garbageAt('mail', { text: 'WHAT IS THIS' });

    const error = await failureOf(transport.send(mailTo('garbage@example.test')));

    expect(error.temporary).to.equal(true);
    expect(error.responseCode).to.equal(undefined);
    expect(error.response).to.equal('WHAT IS THIS');
  });

  it('when the server greets with garbage, then the error is a temporary protocol error', async function () {
    server.garbageAt('greeting');

    const error = await failureOf(transport.send(mailTo('garbage@example.test')));

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('EPROTOCOL');
  });

  it('when the server refuses connections, then sends fail as temporary and succeed once it listens again', async function () {
    await transport.send(mailTo('before@example.test'));
    await server.refuseConnections();

    const error = await failureOf(transport.send(mailTo('down@example.test')));
    const verifyError = await failureOf(transport.verify());
    await server.acceptConnections();
    await transport.send(mailTo('back@example.test'));

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('ECONNREFUSED');
    expect(verifyError.code).to.equal('ECONNREFUSED');
    expect(server.messagesTo('back@example.test')).to.have.length(1);
  });

  it('when the server is stopped and a new one starts on its port, then the same transport delivers to it', async function () {
    const own = await SmtpTestServer.start();
    const port = own.port;
    const ownTransport = open({ url: own.url });
    try {
      await ownTransport.send(mailTo('one@example.test'));
      await own.stop();
      const down = await failureOf(ownTransport.send(mailTo('two@example.test')));
      const again = await SmtpTestServer.start({ port });
      try {
        await ownTransport.send(mailTo('three@example.test'));

        expect(down.temporary).to.equal(true);
        expect(again.messagesTo('three@example.test')).to.have.length(1);
      } finally {
        await again.stop();
      }
    } finally {
      await ownTransport.close();
    }
  });

  it('when the server is reachable, then verify resolves', async function () {
    await transport.verify();

    expect(server.connectionCount).to.equal(1);
  });

  it('when the transport is closed, then a send is refused with a temporary MailSendError', async function () {
    await transport.close();

    const error = await failureOf(transport.send(mailTo('late@example.test')));

    expect(error.temporary).to.equal(true);
    expect(server.messages).to.have.length(0);
  });

  it('when the URL is not an SMTP URL, then creating the transport fails with a clear message that hides the password', function () {
    expect(() => open({ url: 'http://user:secret@mail.example.test' })).to.throw(/smtp:\/\/ or smtps:\/\//);
    expect(() => open({ url: 'not a url :secret@' })).to.throw(/not a valid URL/);
  });
});
