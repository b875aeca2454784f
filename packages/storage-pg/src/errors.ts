import { UaipError } from '@uaip/core';

// SQLSTATEs that mean "the database cannot serve this now", not "this request is wrong":
// connection exceptions (class 08), shutdowns and restarts, too many connections, statement
// timeouts and lock waits given up.
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown, also pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up or shutting down)
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

// pg reports pool and socket trouble as plain errors without a code.
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|connection terminated|connection timeout|not queryable|cannot use a pool after calling end|query read timeout|pglite is closed/i;

/** The SQLSTATE of a database error (pg and PGlite both put it in `code`). */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The constraint a database error names, such as the unique index an insert ran into. */
export function constraintOf(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

/** Whether an error says the database is out of reach, so the same call may work later. */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const state = sqlState(error);
  if (state !== undefined) return state.startsWith('08') || UNAVAILABLE_SQLSTATES.has(state);
  const { code, message, errors } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && UNAVAILABLE_NODE_CODES.has(code)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
  // Node's dual-stack connect reports every refused address inside an AggregateError.
  return Array.isArray(errors) && errors.some(isUnavailable);
}

/** The error callers get when the database is out of reach: no SQL, a hint to retry. */
export function unavailable(cause: unknown): UaipError {
  return new UaipError('storage_unavailable', 'The database is unavailable; try again shortly', {
    retryAfterMs: 1000,
    cause,
  });
}

/** `storage_unavailable` for connection trouble; any other error unchanged. */
export function toStorageError(error: unknown): unknown {
  return !UaipError.isInstance(error) && isUnavailable(error) ? unavailable(error) : error;
}

/**
 * Text PostgreSQL refuses to store (a NUL character in a string or JSON) is the caller's input
 * problem, so it becomes `validation_failed` rather than an internal error.
 */
export function toInputError(error: unknown): unknown {
  const state = sqlState(error);
  if (state === '22021' || state === '22P05') {
    return new UaipError('validation_failed', 'Text contains a character that cannot be stored', {
      cause: error,
    });
  }
  return error;
}
