import type { GenerateOptions, LlmProvider, LlmRequest, LlmResult } from '../llm/types';

/** A provider that holds every call until the test releases it. */
export interface BlockingProvider extends LlmProvider {
  /** How many calls have arrived so far. */
  readonly calls: number;
  /** Resolves when the `n`-th call (from 1) has arrived. */
  arrived(n?: number): Promise<void>;
  /** Lets every held call, and every later one, go on to the inner provider. */
  release(): void;
}

/**
 * Wraps a provider so its calls wait until `release()`: proves that something happens (or
 * is refused) while an LLM call is still running.
 *
 * @example
 * ```ts
 * const llm = blockingProvider(scriptedProvider([...]));
 * const first = orchestrator.answer(user, id, answer);
 * await llm.arrived();
 * // ... a second answer now gets `conflict` at once ...
 * llm.release();
 * await first;
 * ```
 */
export function blockingProvider(inner: LlmProvider): BlockingProvider {
  let released = false;
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let calls = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  return {
    id: inner.id,
    get calls() {
      return calls;
    },
    arrived(n = 1) {
      if (calls >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    release() {
      released = true;
      open();
    },
    async generate(request: LlmRequest, options?: GenerateOptions): Promise<LlmResult> {
      calls += 1;
      for (const waiter of waiters.filter((candidate) => candidate.n <= calls)) waiter.resolve();
      if (!released) await gate;
      return inner.generate(request, options);
    },
  };
}
