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

/** The attempts a thrown error says it cost (none when it does not say). */
export function attemptsOf(error: unknown): LlmAttempt[] {
  if (typeof error === 'object' && error !== null && 'attempts' in error) {
    const attempts = (error as { attempts: unknown }).attempts;
    if (Array.isArray(attempts)) return attempts as LlmAttempt[];
  }
  return [];
}
