import type { LlmAttempt } from './types';

/**
 * An LLM call that produced no usable reply. `attempts` are the calls it cost, so the usage
 * ledger can record them even though the turn fails.
 */
export class LlmCallError extends Error {
  readonly attempts: LlmAttempt[];
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    attempts: LlmAttempt[],
    options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LlmCallError';
    this.attempts = attempts;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * Why a provider failed. The fallback chain acts on it: `retryable` kinds are retried on the
 * same provider; configuration kinds (`auth`, `not_found`), `invalid_output` and `max_tokens`
 * (a reply that did not fit, even with more room) move on to the next provider at once;
 * `bad_request` and `too_large` stop the call (the request would be wrong everywhere), and so
 * does `refusal` (the model declined to answer: another model is not asked to).
 */
export type ProviderErrorKind =
  | 'rate_limited'
  | 'overloaded'
  | 'server_error'
  | 'timeout'
  | 'connection'
  | 'stream_error'
  | 'auth'
  | 'not_found'
  | 'bad_request'
  | 'too_large'
  | 'invalid_output'
  | 'max_tokens'
  | 'refusal'
  | 'circuit_open'
  | 'deadline'
  | 'aborted'
  | 'unknown';

const RETRYABLE = new Set<ProviderErrorKind>([
  'rate_limited',
  'overloaded',
  'server_error',
  'timeout',
  'connection',
  'stream_error',
]);

/** Options of {@link ProviderError}. */
export interface ProviderErrorOptions {
  status?: number;
  retryAfterMs?: number;
  attempts?: LlmAttempt[];
  cause?: unknown;
}

/** One provider's failure, classified. */
export class ProviderError extends LlmCallError {
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(
    provider: string,
    kind: ProviderErrorKind,
    message: string,
    options: ProviderErrorOptions = {},
  ) {
    super(message, options.attempts ?? [], {
      cause: options.cause,
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    });
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.retryable = RETRYABLE.has(kind);
    this.status = options.status;
  }
}

/** Every provider of a chain failed; `errors` says why each did. */
export class AllProvidersFailedError extends LlmCallError {
  readonly errors: ProviderError[];

  constructor(errors: ProviderError[], attempts: LlmAttempt[]) {
    const hints = errors
      .map((error) => error.retryAfterMs)
      .filter((ms): ms is number => ms !== undefined);
    super(
      `Every LLM provider failed: ${errors.map((error) => `${error.provider}: ${error.kind}`).join(', ') || 'none configured'}`,
      attempts,
      hints.length > 0 ? { retryAfterMs: Math.min(...hints) } : {},
    );
    this.name = 'AllProvidersFailedError';
    this.errors = errors;
  }
}

/** The kind of failure an HTTP status means. */
export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 529) return 'overloaded';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 413) return 'too_large';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/** A `retry-after` header (seconds or an HTTP date) in milliseconds; undefined when absent. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The refusal behind an LLM failure, if a model declined to answer (searched through causes). */
export function refusalOf(error: unknown): ProviderError | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof ProviderError && current.kind === 'refusal') return current;
  }
  return undefined;
}

/** The attempts a thrown error says it cost (none when it does not say). */
export function attemptsOf(error: unknown): LlmAttempt[] {
  if (typeof error === 'object' && error !== null && 'attempts' in error) {
    const attempts = (error as { attempts: unknown }).attempts;
    if (Array.isArray(attempts)) return attempts as LlmAttempt[];
  }
  return [];
}
