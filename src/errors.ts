// One error hierarchy: operational errors carry a message a person can act on and the HTTP status that answers
// them; anything else is a bug. The web layers turn them into answers in one place each (admin/error-answers.ts
// for the back office, public-site/error-pages.ts for the public site), through answerOf below.

/** An expected failure: bad input, a missing record, a refused action, an unreachable service. */
export class OperationalError extends Error {
  readonly isOperational = true;
  /** The HTTP status that answers this failure; a subclass says which (500: expected, but nothing the asker can mend). */
  readonly status: number = 500;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends OperationalError {
  constructor(readonly variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
  }
}

export class ValidationError extends OperationalError {
  override readonly status = 400;
  /** Messages per field, for forms. */
  constructor(message: string, readonly fields: Record<string, string> = {}) {
    super(message);
  }
}

/** A command line the CLI cannot run (unknown command or option, a malformed value): it prints its usage. */
export class UsageError extends OperationalError {
  override readonly status = 400;
}

export class NotFoundError extends OperationalError {
  override readonly status = 404;
}

export class ForbiddenError extends OperationalError {
  override readonly status = 403;
}

/** Right password, but the account may not log in (blocked, e-mail address not confirmed); told only then. */
export class LoginRefused extends ForbiddenError {}

/** The record's current state forbids the action for now (e.g. "send now" while the mailing is sending). */
export class ConflictError extends OperationalError {
  override readonly status = 409;
}

/** A database that cannot be started or reached. */
export class DatabaseError extends OperationalError {
  override readonly status = 503;
}

/** True for errors the service expects and can explain; false for bugs. */
export function isOperational(error: unknown): error is OperationalError {
  return error instanceof OperationalError;
}

/** What any answer to a failed request says when the failure is ours: nothing of its internals. */
export const UNEXPECTED_MESSAGE = 'Something went wrong on our side. Please try again.';

export interface ErrorAnswer {
  status: number;
  /** For the person who asked: the operational error's own message, or UNEXPECTED_MESSAGE. */
  message: string;
  /** True when the asker can act on it (a 4xx): not our failure, so nothing to log. */
  askerCanMend: boolean;
}

/** The one mapping from an error to an answer's status and message; the web layers only give it a shape. */
export function answerOf(error: unknown): ErrorAnswer {
  if (isOperational(error)) {
    const askerCanMend = error.status >= 400 && error.status < 500;
    // a 5xx operational error (database down, mail server unreachable) is explained in the log, not to the asker
    return { status: error.status, message: askerCanMend ? error.message : UNEXPECTED_MESSAGE, askerCanMend };
  }
  return { status: 500, message: UNEXPECTED_MESSAGE, askerCanMend: false };
}

/** Logs an error with context: operational ones as one line, others with their stack. */
export function reportError(context: string, error: unknown, log: (line: string) => void = console.error): void {
  if (isOperational(error)) {
    log(`[${context}] ${error.message}`);
  } else if (error instanceof Error) {
    log(`[${context}] unexpected error: ${error.stack ?? error.message}`);
  } else {
    log(`[${context}] unexpected error: ${String(error)}`);
  }
}
