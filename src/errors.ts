// One error hierarchy: operational errors carry a message a person can act on; anything else is a bug.

/** An expected failure: bad input, a missing record, a refused action, an unreachable service. */
export class OperationalError extends Error {
  readonly isOperational = true;
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
  /** Messages per field, for forms. */
  constructor(message: string, readonly fields: Record<string, string> = {}) {
    super(message);
  }
}

export class NotFoundError extends OperationalError {}

export class ForbiddenError extends OperationalError {}

/** A database that cannot be started or reached. */
export class DatabaseError extends OperationalError {}

/** True for errors the service expects and can explain; false for bugs. */
export function isOperational(error: unknown): error is OperationalError {
  return error instanceof OperationalError;
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

/** The record's current state forbids the action for now (e.g. "send now" while the mailing is sending). */
export class ConflictError extends OperationalError {}
