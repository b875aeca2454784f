import type { Pricing } from '../usage/pricing';
import { ProviderError, type ProviderErrorKind } from './errors';
import type { LlmAttempt, Tier, TokenUsage } from './types';

/** What a provider knows after one call: who, which model, tokens, how long, how it went. */
export interface AttemptFacts {
  provider: string;
  model: string;
  tier: Tier;
  usage: TokenUsage;
  startedAt: number;
  endedAt: number;
  outcome: LlmAttempt['outcome'];
  errorKind: string | null;
}

export const NO_TOKENS: TokenUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
};

/** The usage record of one attempt, priced. */
export function attemptRecord(facts: AttemptFacts, pricing: Pricing): LlmAttempt {
  const at = new Date(facts.startedAt).toISOString();
  return {
    provider: facts.provider,
    model: facts.model,
    tier: facts.tier,
    ...facts.usage,
    costUsd: pricing.cost(facts.provider, facts.model, at, facts.usage),
    latencyMs: Math.max(0, facts.endedAt - facts.startedAt),
    outcome: facts.outcome,
    errorKind: facts.errorKind,
    at,
  };
}

/** A classified failure carrying its (failed, possibly partly paid) attempt. */
export function failedAttempt(
  facts: Omit<AttemptFacts, 'outcome' | 'errorKind'>,
  pricing: Pricing,
  kind: ProviderErrorKind,
  message: string,
  extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
): ProviderError {
  const attempt = attemptRecord({ ...facts, outcome: 'error', errorKind: kind }, pricing);
  return new ProviderError(facts.provider, kind, message, { ...extra, attempts: [attempt] });
}
