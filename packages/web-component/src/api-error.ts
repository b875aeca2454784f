/**
 * An error answered by the server (its contract error body parsed), or `network` (status 0)
 * when no answer arrived at all.
 */
export class UaipApiError extends Error {
  override name = 'UaipApiError';
  /** The HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  /** The contract's error code (`unauthorized`, `rate_limited`, …) or `network`. */
  readonly code: string;
  /** Seconds to wait before retrying, from `Retry-After`; null when the server gave none. */
  readonly retryAfterSeconds: number | null;
  /** The server's `X-Request-Id`, to quote when reporting a problem. */
  readonly requestId: string | null;
  /** Per-field problems of a `validation_failed` answer. */
  readonly details: Array<{ path: string; message: string }>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: {
      retryAfterSeconds?: number | null;
      requestId?: string | null;
      details?: Array<{ path: string; message: string }>;
      cause?: unknown;
    } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = extra.retryAfterSeconds ?? null;
    this.requestId = extra.requestId ?? null;
    this.details = extra.details ?? [];
  }

  /** True for a `UaipApiError`, also one from another copy of this package. */
  static isInstance(value: unknown): value is UaipApiError {
    return value instanceof Error && value.name === 'UaipApiError' && 'code' in value;
  }
}

/** Builds the error of a non-2xx response from the contract's `{ error: { … } }` body. */
export async function errorFromResponse(response: Response): Promise<UaipApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML error page or an empty body: the status alone must do.
  }
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return new UaipApiError(
    response.status,
    text(error.code) ?? `http_${response.status}`,
    text(error.message) ?? `The server answered ${response.status} ${response.statusText}`.trim(),
    {
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      requestId: text(error.requestId) ?? response.headers.get('x-request-id'),
      details: Array.isArray(error.details) ? error.details : [],
    },
  );
}

/** `Retry-After` as whole seconds: either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Whether the same request may succeed a moment later: unreachable, or a 5xx. */
export function isRetryable(error: unknown): boolean {
  return UaipApiError.isInstance(error) && (error.status === 0 || error.status >= 500);
}

/**
 * What to tell a person about an error: short, says what happened and what to do, never a
 * stack trace or a code.
 */
export function describeError(error: unknown): string {
  if (!UaipApiError.isInstance(error)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'network':
      return 'Cannot reach the server. Check your connection, then try again — nothing you typed is lost.';
    case 'unauthorized':
      return 'Your sign-in has expired. Please sign in again; what you typed is kept.';
    case 'invalid_credentials':
      return 'That email and password do not match an account.';
    case 'rate_limited':
      return error.retryAfterSeconds === null
        ? 'Too many requests — try again in a moment.'
        : `Too many requests — try again in ${error.retryAfterSeconds} ${error.retryAfterSeconds === 1 ? 'second' : 'seconds'}.`;
    case 'llm_unavailable': {
      // The server's message may end with what to do (e.g. how to configure a model): show it.
      const advice = error.message
        .split(/(?<=[.!?])\s+/)
        .slice(1)
        .join(' ');
      return `No language model could answer right now; what you typed is kept. ${advice || 'Try again in a moment.'}`;
    }
    case 'storage_unavailable':
      return 'The server is briefly unavailable. Your answer is kept; try again in a moment.';
    case 'not_found':
      return 'This session was not found: it may have been deleted, or belong to another account.';
    case 'budget_exceeded':
      return 'This session has reached its cost limit, so no more answers can be scored.';
    case 'validation_failed':
      return error.details.length > 0
        ? error.details.map((detail) => `${detail.path}: ${detail.message}.`).join(' ')
        : error.message;
    case 'internal':
      return `Something went wrong on the server${error.requestId ? ` (request ${error.requestId})` : ''}. Please try again.`;
    default:
      return error.message;
  }
}
