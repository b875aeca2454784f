import pRetry from 'p-retry';
import type { Logger } from '../logger';
import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  createCircuitBreaker,
} from './circuit-breaker';
import { AllProvidersFailedError, ProviderError, type ProviderErrorKind } from './errors';
import { withReask } from './reask';
import type { GenerateOptions, LlmAttempt, LlmProvider, LlmRequest, LlmResult } from './types';

/** Options of {@link fallbackChain}. */
export interface FallbackChainOptions {
  /** One deadline for the whole call: every retry and every provider. @default 60000 */
  deadlineMs?: number;
  /**
   * How long one attempt may go without progress before it is cut and retried: waiting for
   * the response, or between two events of a stream (a provider reports progress through
   * `onProgress`; for one that does not, this bounds the whole attempt). The deadline still
   * bounds everything. @default 30000
   */
  idleTimeoutMs?: number;
  /** @deprecated The former name of `idleTimeoutMs`, read when that is not set. */
  attemptTimeoutMs?: number;
  /** Retries of the same provider after a retryable failure. @default 2 */
  retries?: number;
  /** First backoff delay; it doubles each retry, with full jitter. @default 250 */
  minDelayMs?: number;
  /** @default 4000 */
  maxDelayMs?: number;
  /** The longest `retry-after` honoured; a longer one moves on to the next provider. @default 10000 */
  retryAfterCapMs?: number;
  breaker?: CircuitBreakerOptions;
  logger?: Logger;
  /** The clock. @default Date.now */
  now?: () => number;
  /** For tests: the jitter source. @default Math.random */
  random?: () => number;
}

type Outcome = { ok: true; result: LlmResult } | { ok: false; error: ProviderError };

const STOP = new Set<ProviderErrorKind>(['bad_request', 'too_large', 'refusal', 'aborted']);
// Failures that say nothing about the provider's health: they do not open its circuit.
const HEALTHY = new Set<ProviderErrorKind>([...STOP, 'max_tokens']);

/**
 * Several providers as one `LlmProvider`: each is retried on transient failures (p-retry,
 * exponential backoff with jitter, `retry-after` honoured up to a cap), then the next one is
 * tried; configuration failures (401/403/404) move on at once; a request the API rejects
 * (400/413) or a model's refusal stops everything. An attempt that makes no progress for the
 * idle timeout is cut and retried. One deadline bounds the whole call, so retries never multiply.
 * A circuit breaker per provider skips one that keeps failing. With a `validate` in the
 * request, an output still invalid after one re-ask moves on to the next provider.
 *
 * @example
 * ```ts
 * const llm = fallbackChain([anthropicProvider({ apiKey }), ollamaProvider()], { deadlineMs: 60_000 });
 * ```
 */
export function fallbackChain(
  providers: LlmProvider[],
  options: FallbackChainOptions = {},
): LlmProvider {
  const settings = {
    deadlineMs: options.deadlineMs ?? 60_000,
    idleTimeoutMs: options.idleTimeoutMs ?? options.attemptTimeoutMs ?? 30_000,
    retries: options.retries ?? 2,
    minDelayMs: options.minDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 4_000,
    retryAfterCapMs: options.retryAfterCapMs ?? 10_000,
  };
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const breakers = new Map<string, CircuitBreaker>(
    providers.map((p) => [p.id, createCircuitBreaker(options.breaker)]),
  );
  const warnedConfig = new Set<string>();

  return {
    id: providers.map((provider) => provider.id).join('>') || 'none',
    async generate(request: LlmRequest, generateOptions: GenerateOptions = {}): Promise<LlmResult> {
      const deadline = new AbortController();
      const deadlineAt = now() + settings.deadlineMs;
      const timer = setTimeout(
        () => deadline.abort(new Error('LLM deadline passed')),
        settings.deadlineMs,
      );
      const overall = generateOptions.signal
        ? AbortSignal.any([generateOptions.signal, deadline.signal])
        : deadline.signal;
      const attempts: LlmAttempt[] = [];
      const errors: ProviderError[] = [];
      try {
        for (const [index, provider] of providers.entries()) {
          const outcome = await tryProvider(
            provider,
            request,
            overall,
            deadlineAt,
            attempts,
            generateOptions,
          );
          if (outcome.ok) return { ...outcome.result, attempts };
          const error = outcome.error;
          errors.push(error);
          if (generateOptions.signal?.aborted) {
            // The caller gave up; the attempts it cost still go with the error, to be counted.
            throw new ProviderError(provider.id, 'aborted', 'The caller gave up', {
              attempts,
              cause: generateOptions.signal.reason,
            });
          }
          if (STOP.has(error.kind)) {
            throw new ProviderError(error.provider, error.kind, error.message, {
              attempts,
              ...statusOf(error),
              cause: error,
            });
          }
          const next = providers[index + 1];
          if (next && !overall.aborted)
            generateOptions.onFallback?.({ from: provider.id, to: next.id, reason: error.kind });
        }
        throw new AllProvidersFailedError(errors, attempts);
      } finally {
        clearTimeout(timer);
      }
    },
  };

  async function tryProvider(
    provider: LlmProvider,
    request: LlmRequest,
    overall: AbortSignal,
    deadlineAt: number,
    attempts: LlmAttempt[],
    generateOptions: GenerateOptions,
  ): Promise<Outcome> {
    const breaker = breakers.get(provider.id)!;
    if (overall.aborted)
      return { ok: false, error: new ProviderError(provider.id, 'deadline', 'No time left') };
    if (!breaker.allow(now())) {
      return {
        ok: false,
        error: new ProviderError(provider.id, 'circuit_open', `${provider.id} is failing; skipped`),
      };
    }
    const call = (attemptRequest: LlmRequest) =>
      withRetries(
        provider,
        breaker,
        attemptRequest,
        overall,
        deadlineAt,
        attempts,
        generateOptions,
      );
    try {
      const result = request.validate
        ? await withReask(call, request, request.validate)
        : await call(request);
      return { ok: true, result };
    } catch (error) {
      const failure = asChainFailure(provider.id, error, overall, generateOptions.signal);
      if (
        (failure.kind === 'auth' || failure.kind === 'not_found') &&
        !warnedConfig.has(provider.id)
      ) {
        warnedConfig.add(provider.id);
        options.logger?.error(
          { provider: provider.id, kind: failure.kind, status: failure.status },
          `LLM provider ${provider.id} rejected our configuration (${failure.kind}); check its key and model names`,
        );
      }
      return { ok: false, error: failure };
    }
  }

  async function withRetries(
    provider: LlmProvider,
    breaker: CircuitBreaker,
    request: LlmRequest,
    overall: AbortSignal,
    deadlineAt: number,
    attempts: LlmAttempt[],
    generateOptions: GenerateOptions,
  ): Promise<LlmResult> {
    return pRetry(
      () => attempt(provider, breaker, request, overall, deadlineAt, attempts, generateOptions),
      {
        retries: settings.retries,
        // p-retry cannot honour retry-after, so the backoff is computed and slept in onFailedAttempt.
        minTimeout: 0,
        maxTimeout: 0,
        randomize: false,
        shouldRetry: ({ error }) =>
          isRetryable(error) && breaker.state(now()) === 'closed' && !overall.aborted,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
          if (retriesLeft <= 0 || !isRetryable(error) || breaker.state(now()) !== 'closed') return;
          const wait = delayFor(error as ProviderError, retriesConsumed);
          // A wait past the cap or the deadline: move on to the next provider now instead.
          if (wait === null || now() + wait >= deadlineAt) throw error;
          generateOptions.onRetry?.({
            provider: provider.id,
            attempt: attemptNumber,
            reason: (error as ProviderError).kind,
            delayMs: wait,
          });
          await sleep(wait, overall);
        },
      },
    );
  }

  async function attempt(
    provider: LlmProvider,
    breaker: CircuitBreaker,
    request: LlmRequest,
    overall: AbortSignal,
    deadlineAt: number,
    attempts: LlmAttempt[],
    generateOptions: GenerateOptions,
  ): Promise<LlmResult> {
    const own = new AbortController();
    // An idle timer, restarted by every sign of progress; when the deadline comes first it
    // ends the attempt itself (and is reported as such).
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      if (settings.idleTimeoutMs < deadlineAt - now())
        timer = setTimeout(() => own.abort(new Error('attempt timed out')), settings.idleTimeoutMs);
    };
    arm();
    const signal = AbortSignal.any([overall, own.signal]);
    const onProgress = () => {
      arm();
      generateOptions.onProgress?.();
    };
    try {
      const result = await provider.generate(request, { signal, onProgress });
      record(result.attempts, attempts, generateOptions);
      breaker.succeeded();
      return result;
    } catch (error) {
      const failure = asProviderError(provider.id, error, {
        timedOut: own.signal.aborted,
        deadline: overall.aborted,
        caller: generateOptions.signal?.aborted ?? false,
      });
      record(failure.attempts, attempts, generateOptions);
      if (!HEALTHY.has(failure.kind)) breaker.failed(now());
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  function delayFor(error: ProviderError, retriesConsumed: number): number | null {
    if (error.retryAfterMs !== undefined) {
      return error.retryAfterMs > settings.retryAfterCapMs ? null : error.retryAfterMs;
    }
    const ceiling = Math.min(settings.maxDelayMs, settings.minDelayMs * 2 ** retriesConsumed);
    return Math.round(random() * ceiling);
  }
}

/** What stopped a provider, when it was not the provider's own classified error. */
function asChainFailure(
  providerId: string,
  error: unknown,
  overall: AbortSignal,
  caller: AbortSignal | undefined,
): ProviderError {
  if (error instanceof ProviderError) return error;
  // A backoff sleep cut short by the caller or the deadline.
  if (caller?.aborted)
    return new ProviderError(providerId, 'aborted', 'The caller gave up', { cause: error });
  if (overall.aborted)
    return new ProviderError(providerId, 'deadline', 'No time left', { cause: error });
  // withReask gave up: the reply was still invalid after one re-ask.
  const message = error instanceof Error ? error.message : 'Invalid output';
  return new ProviderError(providerId, 'invalid_output', message, { cause: error });
}

function record(fresh: LlmAttempt[], all: LlmAttempt[], options: GenerateOptions) {
  for (const item of fresh) {
    all.push(item);
    options.onAttempt?.(item);
  }
}

function isRetryable(error: unknown): boolean {
  return error instanceof ProviderError && error.retryable;
}

function statusOf(error: ProviderError) {
  return error.status === undefined ? {} : { status: error.status };
}

/** Re-labels an abort: our own attempt timer is a timeout; the deadline is a deadline. */
function asProviderError(
  providerId: string,
  error: unknown,
  fired: { timedOut: boolean; deadline: boolean; caller: boolean },
): ProviderError {
  const failure =
    error instanceof ProviderError
      ? error
      : new ProviderError(
          providerId,
          'unknown',
          error instanceof Error ? error.message : String(error),
          { cause: error },
        );
  if (failure.kind !== 'aborted' || fired.caller) return failure;
  const kind: ProviderErrorKind = fired.deadline ? 'deadline' : 'timeout';
  const attempts = failure.attempts.map((item) => ({ ...item, errorKind: kind }));
  return new ProviderError(providerId, kind, `${providerId}: ${kind}`, {
    attempts,
    cause: failure,
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
