// A small logger: one line per event, with the time and the part of the service that speaks.
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(name: string): Logger;
}

export function createLogger(name = 'mailing', options: { silent?: boolean } = {}): Logger {
  const write = (level: string, message: string): void => {
    if (options.silent) return;
    const line = `${new Date().toISOString()} ${level} [${name}] ${message}`;
    if (level === 'ERROR' || level === 'WARN') console.error(line);
    else console.log(line);
  };
  return {
    info: (message) => write('INFO', message),
    warn: (message) => write('WARN', message),
    error: (message) => write('ERROR', message),
    child: (child) => createLogger(`${name}:${child}`, options),
  };
}

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = createLogger('silent', { silent: true });
