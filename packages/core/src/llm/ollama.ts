import { Ollama } from 'ollama';
import { createPricing, type Pricing } from '../usage/pricing';
import { attemptRecord, failedAttempt, NO_TOKENS } from './attempt';
import { kindOfStatus, ProviderError, type ProviderErrorKind } from './errors';
import { requestOutputSchema } from './output-schema';
import type {
  GenerateOptions,
  LlmProvider,
  LlmRequest,
  LlmResult,
  Tier,
  TokenUsage,
} from './types';

/** Options of {@link ollamaProvider}. */
export interface OllamaProviderOptions {
  /** @default 'http://127.0.0.1:11434' */
  host?: string;
  /** @default { fast: 'llama3.2', balanced: 'llama3.2' } */
  models?: Partial<Record<Tier, string>>;
  /** The fetch underneath; each call adds the caller's signal to it. @default globalThis.fetch */
  fetch?: typeof fetch;
  pricing?: Pricing;
  /** The clock. @default Date.now */
  now?: () => number;
}

/**
 * A local model through the `ollama` client, streaming. Structured output goes through
 * Ollama's `format`, as the same JSON Schema subset Claude gets (which Ollama's grammar
 * converter reads whole). A stream counts only when it ended with its `done` line, and a reply
 * cut by the token limit (`done_reason: length`) is a `max_tokens` failure. The client has no timeout or signal of its own for a
 * call, so each call gets a fetch that carries the caller's signal (the fallback chain's
 * per-attempt timeout and overall deadline).
 *
 * @example
 * ```ts
 * const local = ollamaProvider({ host: 'http://127.0.0.1:11434', models: { fast: 'llama3.2' } });
 * ```
 */
export function ollamaProvider(options: OllamaProviderOptions = {}): LlmProvider {
  const host = options.host ?? 'http://127.0.0.1:11434';
  const models = { fast: 'llama3.2', balanced: 'llama3.2', ...options.models };
  const baseFetch = options.fetch ?? globalThis.fetch;
  const pricing = options.pricing ?? createPricing();
  const now = options.now ?? Date.now;

  return {
    id: 'ollama',
    async generate(request: LlmRequest, generateOptions: GenerateOptions = {}): Promise<LlmResult> {
      const model = models[request.tier];
      const format = requestOutputSchema('ollama', request);
      const signal = generateOptions.signal;
      const startedAt = now();
      const usage: TokenUsage = { ...NO_TOKENS };
      const facts = () => ({
        provider: 'ollama',
        model,
        tier: request.tier,
        usage,
        startedAt,
        endedAt: now(),
      });
      const client = new Ollama({ host, fetch: withSignal(baseFetch, signal) });
      try {
        const stream = await client.chat({
          model,
          messages: [{ role: 'system', content: request.system }, ...request.messages],
          stream: true,
          ...(format ? { format } : {}),
          ...(request.maxTokens ? { options: { num_predict: request.maxTokens } } : {}),
        });
        let text = '';
        let doneReason: string | undefined;
        for await (const part of stream) {
          generateOptions.onProgress?.();
          text += part.message.content;
          if (part.done) {
            doneReason = part.done_reason || 'stop';
            usage.inputTokens = part.prompt_eval_count ?? 0;
            usage.outputTokens = part.eval_count ?? 0;
          }
        }
        // A stream cut before its `done` line is not a reply, however much text came.
        if (doneReason === undefined) {
          throw failedAttempt(facts(), pricing, 'stream_error', 'The Ollama stream ended early');
        }
        if (doneReason === 'length') {
          throw failedAttempt(
            facts(),
            pricing,
            'max_tokens',
            `Ollama's reply did not fit in ${request.maxTokens ?? 'the model context'} tokens`,
          );
        }
        const attempt = attemptRecord({ ...facts(), outcome: 'ok', errorKind: null }, pricing);
        return { text, provider: 'ollama', model, attempts: [attempt] };
      } catch (error) {
        if (error instanceof ProviderError) throw error;
        const { kind, status } = classify(error, signal);
        throw failedAttempt(
          facts(),
          pricing,
          kind,
          `Ollama call failed: ${kind}${status ? ` (HTTP ${status})` : ''}`,
          {
            ...(status === undefined ? {} : { status }),
            cause: error,
          },
        );
      }
    },
  };
}

function withSignal(baseFetch: typeof fetch, signal: AbortSignal | undefined): typeof fetch {
  if (!signal) return baseFetch;
  return (input, init) =>
    baseFetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
    });
}

function classify(
  error: unknown,
  signal: AbortSignal | undefined,
): { kind: ProviderErrorKind; status?: number } {
  if (signal?.aborted) return { kind: 'aborted' };
  if (typeof error !== 'object' || error === null) return { kind: 'unknown' };
  const { name, status_code: status } = error as { name?: string; status_code?: number };
  if (name === 'ResponseError' && typeof status === 'number')
    return { kind: kindOfStatus(status), status };
  if (name === 'AbortError') return { kind: 'aborted' };
  // fetch failing to connect (refused, reset, DNS): a TypeError with a system error as cause.
  if (error instanceof TypeError) return { kind: 'connection' };
  // An `{"error": ...}` line inside a 200 stream, or a stream that ended without `done`.
  return { kind: 'stream_error' };
}
