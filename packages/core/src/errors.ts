/**
 * Every error code of the HTTP contract. The adapter maps each to one status code; the core
 * only ever throws these.
 */
export const ERROR_CODES = [
  'validation_failed',
  'unauthorized',
  'invalid_credentials',
  'budget_exceeded',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'session_completed',
  'invalid_state',
  'rate_limited',
  'llm_unavailable',
  'storage_unavailable',
  'internal',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A field-level problem, as listed in a `validation_failed` error's `details`. */
export interface ErrorDetail {
  /** Dotted path of the offending field, `''` for the whole body. */
  path: string;
  message: string;
}

/** Options of {@link UaipError}. */
export interface UaipErrorOptions {
  cause?: unknown;
  details?: ErrorDetail[];
  /** How long the caller should wait before retrying, when known. */
  retryAfterMs?: number;
}

const brand = Symbol.for('uaip.error');

/**
 * The one error type of uaip. `code` is a code of the HTTP contract; `message` is safe to
 * show to a client (never a prompt, SQL text or secret); `cause` keeps the underlying error
 * for logs.
 *
 * @example
 * ```ts
 * throw new UaipError('not_found', 'Session not found');
 * ```
 */
export class UaipError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;
  readonly retryAfterMs: number | undefined;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options: UaipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UaipError';
    this.code = code;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }

  /**
   * True for any `UaipError`, also one thrown by another copy of this package (two versions
   * installed side by side), where `instanceof` would say false.
   */
  static isInstance(value: unknown): value is UaipError {
    return typeof value === 'object' && value !== null && brand in value;
  }
}
