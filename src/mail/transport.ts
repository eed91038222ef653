// The narrow interface the sending engine talks to; SMTP, the local catcher or a test double sit behind it.

/** One mail to one recipient: a mailing sends one of these per client. */
export interface OutgoingMail {
  /** Overrides the transport's default sender. */
  from?: string;
  to: string;
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

export interface MailTransport {
  /** Hands the mail to the server; rejects with a MailSendError (see mail-errors.ts), never anything else. */
  send(mail: OutgoingMail): Promise<SentInfo>;
  /** Connects and logs in once, to tell at start-up whether the server is reachable; rejects with a MailSendError. */
  verify(): Promise<void>;
  /** Lets sends in flight finish (waiting a bounded time: a stalled server must not hold a shutdown), then closes every connection. */
  close(): Promise<void>;
}
