/**
 * A pino-compatible logger: an object of fields first, then a message. Secrets and user
 * text are never put in the fields.
 */
export interface Logger {
  /** Logs at debug level. */
  debug(fields: object, message: string): void;
  /** Logs at info level. */
  info(fields: object, message: string): void;
  /** Logs at warn level. */
  warn(fields: object, message: string): void;
  /** Logs at error level. */
  error(fields: object, message: string): void;
}

/** A logger that drops everything: the default. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
