// Typed mail errors: every sending failure becomes a MailSendError that says whether a retry can help.
import { OperationalError } from '../errors.js';

export interface MailSendErrorDetails {
  /** True when the same mail may go through later (4xx, timeouts, lost connections, garbled replies). */
  temporary: boolean;
  /** The SMTP reply code, when the server answered with one. */
  responseCode?: number;
  /** The server's reply text, when there was one. */
  response?: string;
  /** The most specific failure code: nodemailer's (EENVELOPE, ETIMEDOUT, …) or the socket's (ECONNREFUSED, …). */
  code?: string;
  /** The SMTP command that was answered (MAIL FROM, RCPT TO, DATA, CONN). */
  command?: string;
  /**
   * True when the whole message and the end of DATA had gone to the server and no verdict came back (a timeout, a
   * lost connection, a garbled reply): the server may well have accepted it, so it must not be sent again.
   */
  unknownOutcome?: boolean;
  /**
   * True when the connection never became ready to carry a mail: refused, unreachable, no greeting (or a refusing
   * one), a TLS failure, the login refused. Such a failure says nothing about the mail or its recipient, only about
   * the server, so the sending engine counts it per run (a dead server is found once, not once per recipient).
   */
  connectionLevel?: boolean;
  cause?: unknown;
}

/** A mail that could not be handed to the mail server. */
export class MailSendError extends OperationalError {
  readonly temporary: boolean;
  readonly responseCode?: number;
  readonly response?: string;
  readonly code?: string;
  readonly command?: string;
  readonly unknownOutcome: boolean;
  readonly connectionLevel: boolean;

  constructor(message: string, details: MailSendErrorDetails) {
    super(message, { cause: details.cause });
    this.temporary = details.temporary;
    this.responseCode = details.responseCode;
    this.response = details.response;
    this.code = details.code;
    this.command = details.command;
    this.unknownOutcome = details.unknownOutcome ?? false;
    this.connectionLevel = details.connectionLevel ?? false;
  }

  get permanent(): boolean {
    return !this.temporary;
  }
}

/**
 * Failures that come back the same on every try: the mail or the configuration is wrong, not the
 * server's mood. Anything not listed, and not answered with a 5xx, is treated as temporary.
 */
const PERMANENT_CODES = new Set([
  'ECONFIG',
  'ENOAUTH',
  'EMAXRECIPIENTS',
  'EREQUIRETLS',
  'EFILEACCESS',
  'EURLACCESS',
  'EOTP',
]);

const DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'the mail server refused the connection (is it running and is the port right?)',
  ECONNRESET: 'the mail server reset the connection',
  ECONNECTION: 'the mail server closed the connection unexpectedly',
  ESOCKET: 'the connection to the mail server failed',
  EDNS: 'the mail server host name could not be resolved',
  ENOTFOUND: 'the mail server host name could not be resolved',
  ETLS: 'the TLS handshake with the mail server failed',
  EPROTOCOL: 'the mail server answered something that is not SMTP',
  EAUTH: 'the mail server refused the login',
  ENOAUTH: 'the mail server needs a login but the SMTP URL has no credentials',
  EABORT: 'the mail took too long to send and was given up',
  ECONFIG: 'the mail transport is misconfigured',
};

const TIMEOUT_DESCRIPTIONS: Record<string, string> = {
  CONNECT_TIMEOUT: 'the mail server did not accept the connection in time',
  GREETING_TIMEOUT: 'the mail server did not send its greeting in time',
  UPGRADE_TIMEOUT: 'the TLS upgrade with the mail server did not finish in time',
  SOCKET_TIMEOUT: 'the mail server stopped answering (socket timeout)',
};

/** Socket and nodemailer codes of a connection that never became ready (see MailSendErrorDetails.connectionLevel). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EDNS', 'ETLS', 'EAUTH', 'ENOAUTH']);
const CONNECTION_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);

interface RawMailError {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  timeoutType?: unknown;
  rejectedErrors?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A real SMTP reply code; anything else (999, 0) is a garbled reply, not a verdict. */
function replyCode(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 200 && value <= 599 ? value : undefined;
}

/**
 * RFC 5321: 5yz is permanent, 4yz transient. 503 (bad sequence of commands) says the session was in
 * the wrong state, not that the mail was refused, so a new connection can succeed: temporary. An
 * unexpected 2yz/3yz is a confused server, also worth another try.
 */
function isTemporaryReply(code: number): boolean {
  return code < 500 || code === 503;
}

export interface MailErrorContext {
  /**
   * The whole message had been handed to the connection when the send failed, so the end of DATA was sent (or
   * about to be): nodemailer's error alone cannot tell, its timeouts and lost connections say command 'CONN'.
   */
  messageSent?: boolean;
}

/**
 * Turns whatever nodemailer (or the socket under it) threw into a MailSendError. Pure; never throws.
 *
 * The one place that decides between "failed" and "unknown": a failure after the message was sent with no valid
 * reply code (a socket timeout, a dropped connection, a garbled reply, our own deadline) is an unknown outcome;
 * a 4xx/5xx answered to the end of DATA is a verdict like any other, and anything before it is a plain failure.
 */
export function classifyMailError(error: unknown, context: MailErrorContext = {}): MailSendError {
  if (error instanceof MailSendError) return error;
  const raw: RawMailError = typeof error === 'object' && error !== null ? (error as RawMailError) : { message: String(error) };
  // with one recipient per mail a refusal arrives as EENVELOPE; its details sit on the recipient's error
  const rejected = Array.isArray(raw.rejectedErrors) ? (raw.rejectedErrors[0] as RawMailError | undefined) : undefined;
  const source = raw.responseCode === undefined && rejected ? rejected : raw;

  const code = text(raw.originalCode) ?? text(raw.code);
  const response = text(source.response);
  const responseCode = replyCode(source.responseCode);
  const command = text(source.command) ?? text(raw.command);
  const original = text(raw.message) ?? 'unknown error';

  let temporary: boolean;
  let description: string;
  if (responseCode !== undefined) {
    temporary = isTemporaryReply(responseCode);
    const verdict = temporary ? 'temporary failure' : 'permanent refusal';
    description = `the mail server answered ${command ? `${command} with ` : ''}"${response ?? responseCode}" (${verdict})`;
  } else if (response !== undefined) {
    temporary = true;
    description = `the mail server answered ${command ? `${command} with ` : ''}something that is not a valid SMTP reply: "${response}"`;
  } else if (code === 'ETIMEDOUT') {
    temporary = true;
    description = TIMEOUT_DESCRIPTIONS[text(raw.timeoutType) ?? ''] ?? 'the mail server did not answer in time';
  } else {
    // EENVELOPE/EMESSAGE with no reply at all means nodemailer refused the mail itself (no or bad address)
    temporary = code === undefined || !(PERMANENT_CODES.has(code) || code === 'EENVELOPE' || code === 'EMESSAGE');
    description = (code && DESCRIPTIONS[code]) ?? (temporary ? 'sending failed' : 'the mail cannot be sent');
  }

  // a greeting that is not 220 (421 busy, garbage) is nodemailer's EPROTOCOL on the command 'CONN'
  const connectionLevel =
    context.messageSent !== true &&
    (CONNECTION_CODES.has(text(raw.code) ?? '') ||
      CONNECTION_CODES.has(text(raw.originalCode) ?? '') ||
      (code === 'ETIMEDOUT' && CONNECTION_TIMEOUTS.has(text(raw.timeoutType) ?? '')) ||
      (text(raw.code) === 'EPROTOCOL' && text(raw.command) === 'CONN'));

  // nodemailer's own text only adds something when the server's reply is not already quoted
  const detail = `${description}${response === undefined ? ` (${original})` : ''}`;
  if (context.messageSent === true && responseCode === undefined) {
    const message = `Outcome unknown: the message was sent but the mail server gave no verdict on it (${detail}); it may have been accepted, so it is not sent again`;
    return new MailSendError(message, { temporary, response, code, command, unknownOutcome: true, cause: error });
  }
  return new MailSendError(`Mail not sent: ${detail}`, { temporary, responseCode, response, code, command, connectionLevel, cause: error });
}
