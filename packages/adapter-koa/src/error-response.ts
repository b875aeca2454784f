import { type ErrorCode, type ErrorDetail, UaipError } from '@uaip/core';

/** The one table from error code to HTTP status (the contract's "Errors" section). */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  validation_failed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  budget_exceeded: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  session_completed: 422,
  invalid_state: 422,
  rate_limited: 429,
  llm_unavailable: 503,
  storage_unavailable: 503,
  internal: 500,
};

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[]; requestId: string };
}

/** What an error turns into on the wire. */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** Seconds for a `Retry-After` header, when the error says when to retry. */
  retryAfterSeconds?: number;
}

/**
 * Maps anything thrown to the contract's error response. A `UaipError` keeps its code,
 * message and details; anything else becomes a bare `internal` error, so no stack trace,
 * SQL text or secret inside it can reach a client.
 */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (!UaipError.isInstance(error)) {
    return {
      status: 500,
      body: { error: { code: 'internal', message: 'Internal server error', requestId } },
    };
  }
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId } };
  if (error.details?.length) body.error.details = error.details;
  const response: ErrorResponse = { status: STATUS_BY_CODE[error.code], body };
  if (error.retryAfterMs !== undefined) {
    response.retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  }
  return response;
}
