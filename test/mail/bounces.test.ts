// The hard-bounce classifier on the answers real mail servers give (texts as nodemailer reports them: the reply
// code, the enhanced code, the server's words; multi-line replies joined by a line break).
import { expect } from 'chai';
import { classifyBounce, type BounceKind } from '../../src/mail/bounces.js';

type Case = [server: string, code: number, response: string];

function expectKind(cases: Case[], kind: BounceKind): void {
  for (const [server, code, response] of cases) {
    const verdict = classifyBounce(code, response);
    expect(verdict.kind, `${server}: ${response}`).to.equal(kind);
    expect(verdict.marksClient, `${server}: ${response}`).to.equal(kind === 'no-such-address');
  }
}

describe('classifying a refused recipient (bounces)', () => {
  it('when a server says the address does not exist (Postfix, Exim, Gmail, Outlook, Exchange, Yandex, Mail.ru), then it is a hard bounce that marks the client', () => {
    expectKind(
      [
        ['Postfix local', 550, '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table'],
        ['Postfix virtual', 550, '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table'],
        ['Postfix relay', 550, '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in relay recipient table'],
        ['Exim', 550, '550 Unrouteable address'],
        ['Exim cPanel', 550, '550 No Such User Here'],
        ['Exim 5.1.0', 550, '550 5.1.0 <nobody@example.com>: Recipient address rejected'],
        [
          'Gmail',
          550,
          "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550-5.1.1 unnecessary spaces. For more information, go to\n550 5.1.1  https://support.google.com/mail/?p=NoSuchUser d2e1a72fcca58-7a1b2c3d4e5si123456b3a.123 - gsmtp",
        ],
        ['Gmail, account disabled', 550, '550-5.2.1 The email account that you tried to reach is disabled. For more information, go to\n550 5.2.1  https://support.google.com/mail/?p=DisabledUser a1si2345678qkb.12 - gsmtp'],
        ['Outlook.com', 550, '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM4PEPF00025F98.EURPRD83.prod.outlook.com 2024-05-02T09:12:45.123Z 08DC6A1B2C3D4E5F]'],
        ['Exchange Online', 550, '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient nobody@contoso.com not found by SMTP address lookup'],
        ['Exchange Online, edge blocking', 550, '550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors [DB5PEPF00014B8F.eurprd02.prod.outlook.com 2024-03-11T10:01:02.345Z 08DC41A2B3C4D5E6]'],
        ['Yandex', 550, '550 5.7.1 No such user!'],
        ['Mail.ru', 550, '550 Message was not accepted -- invalid mailbox.  Local mailbox nobody@mail.ru is unavailable: user not found'],
        ['Mail.ru, account disabled', 550, '550 Message was not accepted -- invalid mailbox.  Local mailbox nobody@mail.ru is unavailable: account is disabled'],
        ['generic RFC 5321 text', 550, '550 Requested action not taken: mailbox unavailable'],
        ['Sendmail', 550, '550 5.1.1 <nobody@example.com>... User unknown'],
        ['dead domain (null MX)', 556, '556 5.1.10 Recipient address nobody@example.com has null MX'],
        ['code only in the text', 0, '550 5.1.1 user unknown'],
      ],
      'no-such-address',
    );
  });

  it('when the refusal is temporary (4xx: greylisting, rate limits, full disk, a full mailbox for now), then the client is never marked', () => {
    expectKind(
      [
        ['Postfix greylisting', 450, '450 4.2.0 <someone@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html'],
        ['Postfix storage', 452, '452 4.3.1 Insufficient system storage'],
        ['Postfix queue', 451, '451 4.3.0 Error: queue file write error'],
        ['Exim', 451, '451 Temporary local problem - please try later'],
        ['Gmail rate', 452, '452-4.2.1 The recipient you are trying to contact is receiving mail at a rate that\n452 4.2.1 prevents additional messages from being delivered. - gsmtp'],
        ['Gmail over quota', 452, '452-4.2.2 The email account that you tried to reach is over quota. Please direct\n452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp'],
        ['Outlook rate', 451, '451 4.7.650 The mail server [203.0.113.7] has been temporarily rate limited due to IP reputation.'],
        ['Mail.ru', 451, '451 Try again later'],
        ['a user unknown said with 4xx', 450, '450 4.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table'],
        ['5xx with a 4.x.x enhanced code', 550, '550 4.2.2 Mailbox full, try later'],
        ['no reply code at all', 0, 'Connection closed unexpectedly'],
      ],
      'temporary',
    );
  });

  it('when a permanent refusal says the mailbox is full, then it is mailbox-full and the client is not marked', () => {
    expectKind(
      [
        ['Gmail', 552, '552-5.2.2 The email account that you tried to reach is over quota. Please direct\n552 5.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaPerm - gsmtp'],
        ['Exchange', 554, '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded'],
        ['Yandex', 552, '552 5.2.2 Mailbox size limit exceeded'],
        ['Mail.ru', 550, '550 Message was not accepted -- invalid mailbox.  Local mailbox someone@mail.ru is unavailable: mailbox is full'],
        ['Exim', 550, '550 Mailbox quota exceeded'],
      ],
      'mailbox-full',
    );
  });

  it('when a permanent refusal is about spam, reputation, block lists, authentication or our sender, then it is policy and the client is not marked', () => {
    expectKind(
      [
        ['Gmail spam', 550, '550-5.7.1 [203.0.113.7] Our system has detected that this message is likely\n550-5.7.1 unsolicited mail. To reduce the amount of spam sent to Gmail, this message\n550 5.7.1 has been blocked. - gsmtp'],
        ['Gmail unauthenticated', 550, '550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail\n550 5.7.26 requires all senders to authenticate with either SPF or DKIM. - gsmtp'],
        ['Outlook block list', 550, "550 5.7.1 Unfortunately, messages from [203.0.113.7] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150)."],
        ['Postfix Spamhaus', 554, '554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org'],
        ['Postfix relay', 554, '554 5.7.1 <someone@example.org>: Relay access denied'],
        ['Exim sender verify', 550, '550-Verification failed for <no-reply@mailing.example>\n550-Unrouteable address\n550 Sender verify failed'],
        ['Postfix sender domain', 553, '553 5.1.8 <no-reply@mailing.example>: Sender address rejected: Domain not found'],
        ['Yandex spam', 554, '554 5.7.1 [2] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc 1712345678-AbCdEfGh'],
        ['Yandex policy', 550, '550 5.7.1 Policy rejection on the target address'],
        ['Mail.ru spam', 550, '550 spam message rejected. Please visit https://help.mail.ru/notspam-support/id?c=abc or report details to abuse@corp.mail.ru. Error code: 12345. ID: 67890.'],
      ],
      'policy',
    );
  });

  it('when a permanent refusal says nothing about the address, then it is other-permanent and the client is not marked', () => {
    expectKind(
      [
        ['message too big', 552, '552 5.3.4 Message size exceeds fixed maximum message size'],
        ['too many recipients', 550, '550 5.5.3 Too many recipients'],
        ['bare code', 554, '554 Transaction failed'],
      ],
      'other-permanent',
    );
  });
});
