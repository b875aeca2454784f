import type { Clock } from '../clock';
import type { GenerateOptions, LlmAttempt, LlmProvider, LlmRequest, LlmResult } from '../llm/types';
import { fixedClock } from './clock-and-ids';

/** One scripted reply: a JSON value, raw text, or an error to throw. */
export type ScriptedReply =
  | {
      json: unknown;
      model?: string;
      inputTokens?: number;
      outputTokens?: number;
      costUsd?: number | null;
    }
  | {
      text: string;
      model?: string;
      inputTokens?: number;
      outputTokens?: number;
      costUsd?: number | null;
    }
  | { error: Error };

/** A reply chosen by looking at the request (the `index`-th call, from 0). */
export type ScriptedResponder = (request: LlmRequest, index: number) => ScriptedReply;

/** A provider that answers from a script and records every request it got. */
export interface ScriptedProvider extends LlmProvider {
  /** Every request, in order, with the options' signal left out. */
  readonly requests: LlmRequest[];
}

/** Options of {@link scriptedProvider}. */
export interface ScriptedProviderOptions {
  /** The provider id recorded with each attempt. @default 'scripted' */
  id?: string;
  /**
   * The clock that stamps each attempt (`at`), which the usage ledger and the daily budget
   * read: pass the orchestrator's clock. Never the wall clock: without one, attempts are
   * stamped at the test kit's fixed instant (`fixedClock()`'s default), so a test gives the
   * same result on any date.
   */
  clock?: Clock;
}

/**
 * An `LlmProvider` for tests: answers each call from a list of replies, in order, or from a
 * function of the request. Running out of replies throws, so a test notices an unexpected
 * call.
 *
 * @example
 * ```ts
 * const clock = fixedClock('2026-03-01T09:00:00Z');
 * const llm = scriptedProvider([{ json: { score: 9, issues: [], followUp: '' } }], { clock });
 * // ... run a turn ...
 * expect(llm.requests).toHaveLength(1);
 * ```
 */
export function scriptedProvider(
  script: ScriptedReply[] | ScriptedResponder,
  options: ScriptedProviderOptions = {},
): ScriptedProvider {
  const requests: LlmRequest[] = [];
  const id = options.id ?? 'scripted';
  const clock = options.clock ?? fixedClock();
  return {
    id,
    requests,
    async generate(request: LlmRequest, generateOptions: GenerateOptions = {}): Promise<LlmResult> {
      generateOptions.signal?.throwIfAborted();
      const index = requests.length;
      // The validator is a function: keep the request's data only.
      const { validate: _validate, ...data } = request;
      requests.push(structuredClone(data));
      const reply = typeof script === 'function' ? script(request, index) : script[index];
      if (!reply) throw new Error(`scriptedProvider: no reply scripted for call ${index + 1}`);
      if ('error' in reply) throw reply.error;
      const text = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
      const model = reply.model ?? `${id}-model`;
      const attempt: LlmAttempt = {
        provider: id,
        model,
        tier: request.tier,
        inputTokens: reply.inputTokens ?? 0,
        outputTokens: reply.outputTokens ?? 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: reply.costUsd === undefined ? 0 : reply.costUsd,
        latencyMs: 0,
        outcome: 'ok',
        errorKind: null,
        at: new Date(clock.now()).toISOString(),
      };
      return { text, provider: id, model, attempts: [attempt] };
    },
  };
}

/** A provider whose every call fails with `error` (a connection error by default). */
export function failingProvider(
  error: () => Error = () => new Error('connect ECONNREFUSED 127.0.0.1:1'),
  options: Pick<ScriptedProviderOptions, 'clock'> = {},
): ScriptedProvider {
  return scriptedProvider(() => ({ error: error() }), { ...options, id: 'failing' });
}
