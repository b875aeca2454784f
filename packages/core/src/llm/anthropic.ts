import Anthropic, {
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { Logger } from '../logger';
import { createPricing, type Pricing } from '../usage/pricing';
import { attemptRecord, failedAttempt, NO_TOKENS } from './attempt';
import { kindOfStatus, ProviderError, type ProviderErrorKind, parseRetryAfter } from './errors';
import { requestOutputSchema } from './output-schema';
import type {
  GenerateOptions,
  LlmAttempt,
  LlmProvider,
  LlmRequest,
  LlmResult,
  Tier,
  TokenUsage,
} from './types';

/** Options of {@link anthropicProvider}. */
export interface AnthropicProviderOptions {
  /** The API key; or pass a configured `client`. */
  apiKey?: string;
  /** A client of your own; it should have `maxRetries: 0` (the fallback chain retries). */
  client?: Anthropic;
  /** @default the SDK's (`ANTHROPIC_BASE_URL` or the public API) */
  baseURL?: string;
  /** @default { fast: 'claude-haiku-5-5', balanced: 'claude-sonnet-5-5' } */
  models?: Partial<Record<Tier, string>>;
  /** `output_config.effort` per tier. @default { fast: 'low', balanced: 'medium' } */
  effort?: Partial<Record<Tier, 'low' | 'medium' | 'high'>>;
  /** Reply token cap per tier (thinking included). @default { fast: 4096, balanced: 16000 } */
  maxTokens?: Partial<Record<Tier, number>>;
  pricing?: Pricing;
  /** Receives the SDK's warnings (model deprecations) instead of stderr. */
  logger?: Logger;
  /** For tests: the fetch the SDK uses. */
  fetch?: typeof fetch;
  /** The clock. @default Date.now */
  now?: () => number;
}

/** The default Claude models per tier (November 2026). */
export const DEFAULT_ANTHROPIC_MODELS: Record<Tier, string> = {
  fast: 'claude-haiku-5-5',
  balanced: 'claude-sonnet-5-5',
};

/**
 * Claude through `@anthropic-ai/sdk`, streaming under the hood. Written for the 5.x models:
 * structured output through `output_config.format`, effort per tier, no sampling parameters,
 * no prefill, no forced tool use; output schemas adapted to the subset the API accepts; the
 * reply text is taken from the `text` blocks only (replies start with a `thinking` block); a
 * reply counts only when the stream ended with `message_stop` and stopped for `end_turn`
 * (`max_tokens` is asked again once with twice the room, `refusal` is a `refusal` failure).
 *
 * @example
 * ```ts
 * const claude = anthropicProvider({ apiKey: process.env.ANTHROPIC_API_KEY });
 * ```
 */
export function anthropicProvider(options: AnthropicProviderOptions = {}): LlmProvider {
  const client =
    options.client ??
    new Anthropic({
      // Left out when not given, so the SDK reads ANTHROPIC_API_KEY itself (an explicit
      // `undefined` or `null` would override that).
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      maxRetries: 0,
    });
  const models = { ...DEFAULT_ANTHROPIC_MODELS, ...options.models };
  const effort = { fast: 'low', balanced: 'medium', ...options.effort } as const;
  const maxTokens = { fast: 4096, balanced: 16_000, ...options.maxTokens };
  const pricing = options.pricing ?? createPricing(undefined, options.logger);
  const now = options.now ?? Date.now;
  const logger = options.logger;

  /** One call: the reply and why it stopped, or a classified failure carrying its attempt. */
  async function once(request: LlmRequest, limit: number, generateOptions: GenerateOptions) {
    const model = models[request.tier];
    const schema = requestOutputSchema('anthropic', request);
    const startedAt = now();
    const usage: TokenUsage = { ...NO_TOKENS };
    const facts = () => ({
      provider: 'anthropic',
      model,
      tier: request.tier,
      usage,
      startedAt,
      endedAt: now(),
    });
    try {
      const stream = await createQuietly(logger, () =>
        client.messages.create(
          {
            model,
            max_tokens: limit,
            // No cache_control marker: the prompts of a turn are far below the shortest
            // prefix Claude caches (docs/llm-chain.md), where a marker does nothing.
            system: request.system,
            messages: request.messages.map((message) => ({
              role: message.role,
              content: message.content,
            })),
            output_config: {
              effort: effort[request.tier],
              ...(schema ? { format: { type: 'json_schema', schema } } : {}),
            },
            stream: true,
          },
          { signal: generateOptions.signal },
        ),
      );
      const reply = await readStream(stream, usage, generateOptions.onProgress);
      if (generateOptions.signal?.aborted) throw generateOptions.signal.reason;
      if (reply === null) {
        throw failedAttempt(
          facts(),
          pricing,
          'stream_error',
          'The Claude stream ended before message_stop',
        );
      }
      return { ...reply, model, facts: facts() };
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      const { kind, status, retryAfterMs } = classify(error, generateOptions.signal, now());
      throw failedAttempt(facts(), pricing, kind, describe(kind, status), {
        ...(status === undefined ? {} : { status }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        cause: error,
      });
    }
  }

  return {
    id: 'anthropic',
    async generate(request: LlmRequest, generateOptions: GenerateOptions = {}): Promise<LlmResult> {
      const attempts: LlmAttempt[] = [];
      let limit = request.maxTokens ?? maxTokens[request.tier];
      try {
        for (;;) {
          const reply = await once(request, limit, generateOptions);
          const kind = STOP_FAILURES[reply.stopReason ?? 'end_turn'];
          if (!kind) {
            attempts.push(
              attemptRecord({ ...reply.facts, outcome: 'ok', errorKind: null }, pricing),
            );
            return { text: reply.text, provider: 'anthropic', model: reply.model, attempts };
          }
          attempts.push(
            attemptRecord({ ...reply.facts, outcome: 'error', errorKind: kind }, pricing),
          );
          // A reply cut at max_tokens is asked again once with twice the room.
          if (kind === 'max_tokens' && limit < MAX_OUTPUT_TOKENS && attempts.length === 1) {
            logger?.warn(
              { provider: 'anthropic', model: reply.model, maxTokens: limit },
              'Claude reached max_tokens; asking again with more room',
            );
            limit = Math.min(limit * 2, MAX_OUTPUT_TOKENS);
            continue;
          }
          throw new ProviderError('anthropic', kind, stopMessage(kind, limit), { attempts });
        }
      } catch (error) {
        if (
          !(error instanceof ProviderError) ||
          attempts.length === 0 ||
          error.attempts === attempts
        )
          throw error;
        // A failure after a max_tokens attempt: report both attempts.
        throw new ProviderError(error.provider, error.kind, error.message, {
          attempts: [...attempts, ...error.attempts],
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
          cause: error,
        });
      }
    },
  };
}

// The most a 5.x model writes in one reply (GET /v1/models: max_tokens).
const MAX_OUTPUT_TOKENS = 64_000;

/** Stop reasons that are not a usable reply, and the failure each is. */
const STOP_FAILURES: Partial<Record<Anthropic.Messages.StopReason, ProviderErrorKind>> = {
  max_tokens: 'max_tokens',
  refusal: 'refusal',
  model_context_window_exceeded: 'too_large',
  // No tools are offered, so these mean the reply is not the answer asked for.
  tool_use: 'unknown',
  pause_turn: 'unknown',
};

function stopMessage(kind: ProviderErrorKind, limit: number): string {
  if (kind === 'max_tokens') return `Claude's reply did not fit in ${limit} tokens (max_tokens)`;
  if (kind === 'refusal') return 'Claude declined to answer this request (refusal)';
  if (kind === 'too_large') return "The request does not fit in the model's context window";
  return 'Claude stopped without an answer';
}

type MessageStream = AsyncIterable<Anthropic.Messages.RawMessageStreamEvent>;

/**
 * The text of the `text` blocks and the stop reason, or null when the stream stopped before
 * `message_stop`. Each event is progress (it keeps the chain's idle timer from firing).
 */
async function readStream(
  stream: MessageStream,
  usage: TokenUsage,
  onProgress: (() => void) | undefined,
): Promise<{ text: string; stopReason: Anthropic.Messages.StopReason | null } | null> {
  const textBlocks = new Set<number>();
  let text = '';
  let stopReason: Anthropic.Messages.StopReason | null = null;
  for await (const event of stream) {
    onProgress?.();
    switch (event.type) {
      case 'message_start': {
        const start = event.message.usage;
        usage.inputTokens = start.input_tokens;
        usage.outputTokens = start.output_tokens;
        usage.cacheReadTokens = start.cache_read_input_tokens ?? 0;
        usage.cacheWriteTokens = start.cache_creation_input_tokens ?? 0;
        break;
      }
      case 'content_block_start':
        if (event.content_block.type === 'text') textBlocks.add(event.index);
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta' && textBlocks.has(event.index))
          text += event.delta.text;
        break;
      case 'message_delta':
        stopReason = event.delta.stop_reason ?? stopReason;
        // Cumulative counts: the last message_delta holds the totals.
        usage.outputTokens = event.usage.output_tokens;
        if (event.usage.input_tokens != null) usage.inputTokens = event.usage.input_tokens;
        break;
      case 'message_stop':
        return { text, stopReason };
    }
  }
  return null;
}

/**
 * The SDK writes model-deprecation warnings with console.warn, synchronously, when a request is
 * created. Redirect them to the logger for that synchronous moment only (JavaScript runs one
 * thing at a time, so nothing else can write in between).
 */
function createQuietly<T>(logger: Logger | undefined, create: () => T): T {
  const original = console.warn;
  console.warn = (...args: unknown[]) =>
    logger?.warn({ provider: 'anthropic' }, args.map((arg) => String(arg)).join(' '));
  try {
    return create();
  } finally {
    console.warn = original;
  }
}

const KIND_BY_ERROR_TYPE: Record<string, ProviderErrorKind> = {
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate_limited',
  api_error: 'server_error',
  timeout_error: 'timeout',
  authentication_error: 'auth',
  permission_error: 'auth',
  billing_error: 'auth',
  not_found_error: 'not_found',
  invalid_request_error: 'bad_request',
  request_too_large: 'too_large',
};

function classify(error: unknown, signal: AbortSignal | undefined, now: number) {
  if (signal?.aborted || error instanceof APIUserAbortError) return { kind: 'aborted' as const };
  if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout' as const };
  if (error instanceof APIError) {
    if (error.status === undefined) {
      // No status: a connection failure, or an `error` event in a stream that had started.
      const kind = error.type ? (KIND_BY_ERROR_TYPE[error.type] ?? 'stream_error') : 'connection';
      return { kind: kind === 'bad_request' ? ('stream_error' as const) : kind };
    }
    const exactMs = error.headers?.get('retry-after-ms');
    const retryAfterMs =
      exactMs && Number.isFinite(Number(exactMs))
        ? Number(exactMs)
        : parseRetryAfter(error.headers?.get('retry-after'), now);
    return { kind: kindOfStatus(error.status), status: error.status, retryAfterMs };
  }
  return { kind: 'unknown' as const };
}

function describe(kind: ProviderErrorKind, status: number | undefined): string {
  return `Claude call failed: ${kind}${status === undefined ? '' : ` (HTTP ${status})`}`;
}
