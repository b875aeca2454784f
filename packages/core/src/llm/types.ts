/** Which class of model a request needs: cheap and quick, or more capable. */
export type Tier = 'fast' | 'balanced';

/** One message of a conversation with a model. */
export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** One request to a language model. */
export interface LlmRequest {
  tier: Tier;
  /** The system prompt; providers that support it mark it for prompt caching. */
  system: string;
  messages: LlmMessage[];
  /** When set, the reply must be a JSON text matching this JSON Schema. */
  output?: { name: string; schema: Record<string, unknown> };
  /** Upper bound on the reply's tokens. */
  maxTokens?: number;
  /**
   * Checks a reply: `null` when it is usable, else what is wrong with it. Providers ignore it;
   * a fallback chain re-asks once with the problems, then moves on to the next provider.
   */
  validate?: (text: string) => string | null;
}

/** Tokens of one call, as the provider reported them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** One attempt at a provider, successful or not: what the usage ledger records. */
export interface LlmAttempt extends TokenUsage {
  provider: string;
  model: string;
  tier: Tier;
  /** Null when the model has no known price. */
  costUsd: number | null;
  latencyMs: number;
  outcome: 'ok' | 'error' | 'invalid_output';
  errorKind: string | null;
  /** When the attempt started (ISO time). */
  at: string;
}

/** A reply, with every attempt it took (a fallback chain may have made several). */
export interface LlmResult {
  text: string;
  provider: string;
  model: string;
  attempts: LlmAttempt[];
}

/** Per-call options of `LlmProvider.generate`. */
export interface GenerateOptions {
  signal?: AbortSignal;
  /** Called for each attempt as it ends (a chain may make several). */
  onAttempt?: (attempt: LlmAttempt) => void;
  /**
   * Called by a streaming provider whenever data arrives: a chain cuts an attempt only when it
   * made no progress for its idle timeout, so a long reply that keeps streaming is not cut.
   */
  onProgress?: () => void;
  /** Called when a chain gives up on one provider and tries the next. */
  onFallback?: (fallback: { from: string; to: string; reason: string }) => void;
  /**
   * Called when a chain will try the same provider again, after `delayMs`: `attempt` is the
   * number of the failed attempt (1 for the first), `reason` its error kind.
   */
  onRetry?: (retry: { provider: string; attempt: number; reason: string; delayMs: number }) => void;
}

/**
 * The LLM plug point: one method. A fallback chain is itself an `LlmProvider`.
 * A failed call throws an error whose `attempts` (when present) lists the paid attempts.
 */
export interface LlmProvider {
  /** A stable name, recorded with every call (`anthropic`, `ollama`, `demo`, ...). */
  id: string;
  /** Answers one request, or throws (with the attempts it cost). */
  generate(request: LlmRequest, options?: GenerateOptions): Promise<LlmResult>;
}
