// Classification of mail failures: what may be retried, what keeps the server's words.
import { expect } from 'chai';
import { classifyMailError, MailSendError } from '../../src/mail/mail-errors.js';
import { OperationalError } from '../../src/errors.js';

/** Shaped like the errors nodemailer 10 throws (measured against a real server). */
function nodemailerError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('classifying mail errors', function () {
  it('when a recipient is refused with 550, then the error is permanent with code, text and command', function () {
    const raw = nodemailerError("Can't send mail - all recipients were rejected: 550 5.1.1 No such user here", {
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 5.1.1 No such user here',
      command: 'RCPT TO',
    });

    const error = classifyMailError(raw);

    expect(error).to.be.instanceOf(MailSendError).and.instanceOf(OperationalError);
    expect(error.temporary).to.equal(false);
    expect(error.permanent).to.equal(true);
    expect(error.responseCode).to.equal(550);
    expect(error.response).to.equal('550 5.1.1 No such user here');
    expect(error.code).to.equal('EENVELOPE');
    expect(error.command).to.equal('RCPT TO');
    expect(error.message).to.contain('550 5.1.1 No such user here').and.contain('permanent');
    expect(error.cause).to.equal(raw);
  });

  it('when only the rejected recipient errors carry the reply, then the reply is taken from them', function () {
    const raw = nodemailerError('Message failed', {
      code: 'EENVELOPE',
      rejectedErrors: [nodemailerError('Recipient command failed', { responseCode: 452, response: '452 4.2.2 Mailbox full', command: 'RCPT TO' })],
    });

    const error = classifyMailError(raw);

    expect(error.temporary).to.equal(true);
    expect(error.responseCode).to.equal(452);
    expect(error.response).to.equal('452 4.2.2 Mailbox full');
  });

  for (const [code, temporary] of [
    [421, true],
    [450, true],
    [451, true],
    [503, true],
    [530, false],
    [552, false],
    [554, false],
  ] as const) {
    it(`when the server answers ${code}, then the error is ${temporary ? 'temporary' : 'permanent'}`, function () {
      const error = classifyMailError(nodemailerError('failed', { code: 'EENVELOPE', responseCode: code, response: `${code} text` }));

      expect(error.temporary).to.equal(temporary);
      expect(error.responseCode).to.equal(code);
    });
  }

  it('when the greeting never came, then the error is a temporary timeout that says so', function () {
    const error = classifyMailError(nodemailerError('Greeting never received', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT' }));

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('ETIMEDOUT');
    expect(error.responseCode).to.equal(undefined);
    expect(error.message).to.contain('greeting');
  });

  it('when the connection is refused, then the socket code is kept and the error is temporary', function () {
    const raw = nodemailerError('connect ECONNREFUSED 127.0.0.1:2525', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' });

    const error = classifyMailError(raw);

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('ECONNREFUSED');
    expect(error.message).to.contain('refused the connection').and.contain('127.0.0.1:2525');
  });

  it('when the connection closes unexpectedly, then the error is temporary', function () {
    const error = classifyMailError(nodemailerError('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }));

    expect(error.temporary).to.equal(true);
    expect(error.code).to.equal('ECONNECTION');
  });

  it('when the server answers something that is not an SMTP reply, then the error is temporary and keeps it', function () {
    const error = classifyMailError(nodemailerError('Mail command failed: HELLO??', { code: 'EENVELOPE', response: 'HELLO??', command: 'MAIL FROM' }));

    expect(error.temporary).to.equal(true);
    expect(error.response).to.equal('HELLO??');
    expect(error.responseCode).to.equal(undefined);
    expect(error.message).to.contain('not a valid SMTP reply');
  });

  it('when the reply code is outside SMTP (999), then it is treated as garbage, not as a permanent refusal', function () {
    const error = classifyMailError(nodemailerError('Message failed: 999 what', { code: 'EMESSAGE', responseCode: 999, response: '999 what' }));

    expect(error.temporary).to.equal(true);
    expect(error.responseCode).to.equal(undefined);
    expect(error.response).to.equal('999 what');
  });

  it('when nodemailer refuses the mail itself (no recipient), then the error is permanent', function () {
    const error = classifyMailError(nodemailerError('No recipients defined', { code: 'EENVELOPE' }));

    expect(error.temporary).to.equal(false);
    expect(error.message).to.contain('No recipients defined');
  });

  it('when the login is refused with 535, then the error is permanent', function () {
    const error = classifyMailError(nodemailerError('Invalid login: 535 5.7.8 Authentication credentials invalid', {
      code: 'EAUTH',
      responseCode: 535,
      response: '535 5.7.8 Authentication credentials invalid',
      command: 'AUTH PLAIN',
    }));

    expect(error.temporary).to.equal(false);
    expect(error.code).to.equal('EAUTH');
  });

  it('when the failure is unknown, then it is temporary so a retry can tell', function () {
    const error = classifyMailError('something odd');

    expect(error).to.be.instanceOf(MailSendError);
    expect(error.temporary).to.equal(true);
    expect(error.message).to.contain('something odd');
  });

  it('when the error is already a MailSendError, then it is returned unchanged', function () {
    const original = new MailSendError('Mail not sent: closed', { temporary: true, code: 'ECLOSED' });

    expect(classifyMailError(original)).to.equal(original);
  });
  describe('after the message was sent (the end of DATA went out)', function () {
    it('when the socket times out or the connection is lost, then the outcome is unknown, not a failure to resend', function () {
      for (const raw of [
        nodemailerError('Timeout', { code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' }),
        nodemailerError('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }),
        nodemailerError('The operation was aborted', { code: 'EABORT' }),
      ]) {
        const error = classifyMailError(raw, { messageSent: true });
        expect(error.unknownOutcome, String(raw.message)).to.equal(true);
        expect(error.message).to.match(/^Outcome unknown: .*may have been accepted/);
      }
    });

    it('when the reply to the end of DATA is garbage, then the outcome is unknown and the garbage is kept', function () {
      const raw = nodemailerError('Message failed: HELLO?? this is not SMTP', { code: 'EMESSAGE', response: 'HELLO?? this is not SMTP', command: 'DATA' });
      const error = classifyMailError(raw, { messageSent: true });
      expect(error.unknownOutcome).to.equal(true);
      expect(error.response).to.equal('HELLO?? this is not SMTP');
      expect(error.message).to.contain('HELLO?? this is not SMTP');
    });

    it('when the end of DATA is answered 451 or 554, then that is a verdict (temporary or permanent), not an unknown outcome', function () {
      const temporary = classifyMailError(nodemailerError('Message failed: 451 4.3.0 later', { code: 'EMESSAGE', responseCode: 451, response: '451 4.3.0 later', command: 'DATA' }), { messageSent: true });
      expect(temporary).to.include({ unknownOutcome: false, temporary: true, responseCode: 451 });
      const permanent = classifyMailError(nodemailerError('Message failed: 554 5.7.1 spam', { code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 spam', command: 'DATA' }), { messageSent: true });
      expect(permanent).to.include({ unknownOutcome: false, temporary: false, responseCode: 554 });
    });

    it('when the same timeout happens before the message was sent, then it is a plain temporary failure', function () {
      const error = classifyMailError(nodemailerError('Timeout', { code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' }));
      expect(error).to.include({ unknownOutcome: false, temporary: true });
      expect(error.message).to.match(/^Mail not sent: /);
    });
  });

  describe('connection-level failures (the server, not the mail)', function () {
    it('when the connection is refused, the greeting or the TLS handshake times out, TLS fails, the login is refused or the greeting is not 220, then the error is connection-level', function () {
      const cases = [
        nodemailerError('connect ECONNREFUSED 127.0.0.1:2525', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }),
        nodemailerError('Greeting never received', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT' }),
        nodemailerError('Connection timeout', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'CONNECT_TIMEOUT' }),
        nodemailerError('TLS handshake timed out', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'UPGRADE_TIMEOUT' }),
        nodemailerError('Error initiating TLS - wrong version number', { code: 'ETLS', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER', command: 'CONN' }),
        nodemailerError('Invalid login: 535 5.7.8 Authentication credentials invalid', { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Authentication credentials invalid', command: 'AUTH PLAIN' }),
        nodemailerError('Invalid greeting. response=421 busy: 421 busy', { code: 'EPROTOCOL', responseCode: 421, response: '421 busy', command: 'CONN' }),
        nodemailerError('getaddrinfo ENOTFOUND smtp.nowhere.test', { code: 'EDNS', originalCode: 'ENOTFOUND', command: 'CONN' }),
      ];
      for (const raw of cases) expect(classifyMailError(raw).connectionLevel, raw.message).to.equal(true);
    });

    it('when a recipient is refused, the session stalls or drops mid-way, or the answer to the end of DATA never comes, then the error is not connection-level', function () {
      const cases: Array<[Error, { messageSent?: boolean }]> = [
        [nodemailerError('Recipient command failed: 451 4.7.1 Greylisted', { code: 'EENVELOPE', responseCode: 451, response: '451 4.7.1 Greylisted', command: 'RCPT TO' }), {}],
        [nodemailerError('Timeout', { code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' }), {}],
        [nodemailerError('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }), {}],
        [nodemailerError('Mail command failed: HELLO??', { code: 'EENVELOPE', response: 'HELLO??', command: 'MAIL FROM' }), {}],
        [nodemailerError('Timeout', { code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' }), { messageSent: true }],
      ];
      for (const [raw, context] of cases) expect(classifyMailError(raw, context).connectionLevel, raw.message).to.equal(false);
    });
  });
});
