// The narrow interface the sending engine talks to; SMTP, the local catcher or a test double sit behind it.

/**
 * A name and an address kept apart: nodemailer encodes the name (RFC 2047 for Cyrillic) and quotes it, so a name
 * with line breaks or commas cannot add a header or a recipient. Use it for any name a person typed.
 */
export interface MailAddress {
  name: string;
  address: string;
}

/** One mail to one recipient: a mailing sends one of these per client. */
export interface OutgoingMail {
  /** Overrides the transport's default sender. */
  from?: string | MailAddress;
  to: string | MailAddress;
  replyTo?: string | MailAddress;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

/** What the mail server said when it accepted the mail. */
export interface SentInfo {
  messageId: string;
  /** The server's final reply, e.g. "250 2.0.0 OK queued as 1234". */
  response: string;
  responseCode?: number;
}

/** What a caller may add to one send. */
export interface SendOptions {
  /**
   * Called once the mail holds a connection of the pool, right before its SMTP transaction: the send-rate limit's
   * wait for a slot goes here, so no mail waits for a connection after its slot. When it rejects, nothing is sent
   * and send() rejects with that same error.
   */
  beforeStart?: () => Promise<void>;
  /**
   * Called when the server has taken the envelope and asked for the message (its 354), right before the message's
   * bytes go out: the send-rate limit checks here that the mail's slot did not go stale during the conversation.
   * When it rejects, the message is not sent (the transaction is abandoned) and send() rejects with that error.
   */
  beforeData?: () => Promise<void>;
}

export interface MailTransport {
  /** Hands the mail to the server; rejects with a MailSendError (see mail-errors.ts), or with what `beforeStart` or `beforeData` threw. */
  send(mail: OutgoingMail, options?: SendOptions): Promise<SentInfo>;
  /** Connects and logs in once, to tell at start-up whether the server is reachable; rejects with a MailSendError. */
  verify(): Promise<void>;
  /** Lets sends in flight finish (waiting a bounded time: a stalled server must not hold a shutdown), then closes every connection. */
  close(): Promise<void>;
}
