import type { TokenUsage } from '../llm/types';
import type { Logger } from '../logger';

/** The price of a model from a date on, in USD per million tokens. */
export interface ModelPrice {
  provider: string;
  /** A model id, or `*` for every model of the provider (e.g. a local Ollama). */
  model: string;
  /** The first day (UTC, `YYYY-MM-DD`) these prices apply. */
  effectiveFrom: string;
  input: number;
  output: number;
  /** Writing the prompt cache (5-minute entries, what the providers here use). */
  cacheWrite: number;
  cacheRead: number;
  /** Every price is multiplied when the prompt (cache included) has more tokens than this. */
  longPrompt?: { aboveTokens: number; multiplier: number };
}

/**
 * Prices as published (toolchain.md, November 2026). A call is priced at the entry of its
 * model with the latest `effectiveFrom` on or before the call's date. Opus 5.5 and the 4.5
 * models' cache prices follow the standard ratios (writes 1.25×, reads 0.1× the input price).
 */
export const DEFAULT_PRICES: readonly ModelPrice[] = [
  {
    provider: 'anthropic',
    model: 'claude-haiku-5-5',
    effectiveFrom: '2026-01-01',
    input: 0.1,
    output: 0.5,
    cacheWrite: 0.125,
    cacheRead: 0.01,
    longPrompt: { aboveTokens: 100_000, multiplier: 5 },
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-5-5',
    effectiveFrom: '2026-01-01',
    input: 2,
    output: 10,
    cacheWrite: 2.5,
    cacheRead: 0.2,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-5-5',
    effectiveFrom: '2026-10-07',
    input: 2,
    output: 10,
    cacheWrite: 2.5,
    cacheRead: 0.1,
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-5-5',
    effectiveFrom: '2026-01-01',
    input: 4,
    output: 20,
    cacheWrite: 5,
    cacheRead: 0.4,
  },
  {
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    effectiveFrom: '2025-10-01',
    input: 1,
    output: 5,
    cacheWrite: 1.25,
    cacheRead: 0.1,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    effectiveFrom: '2025-09-29',
    input: 3,
    output: 15,
    cacheWrite: 3.75,
    cacheRead: 0.3,
  },
  {
    provider: 'ollama',
    model: '*',
    effectiveFrom: '2000-01-01',
    input: 0,
    output: 0,
    cacheWrite: 0,
    cacheRead: 0,
  },
  {
    provider: 'demo',
    model: '*',
    effectiveFrom: '2000-01-01',
    input: 0,
    output: 0,
    cacheWrite: 0,
    cacheRead: 0,
  },
];

/** Turns token counts into dollars. */
export interface Pricing {
  /** The cost in USD, or `null` when the model has no price on that date (warned once). */
  cost(provider: string, model: string, at: Date | string, usage: TokenUsage): number | null;
}

/** A {@link Pricing} over a price table. */
export function createPricing(
  table: readonly ModelPrice[] = DEFAULT_PRICES,
  logger?: Logger,
): Pricing {
  const warned = new Set<string>();
  return {
    cost(provider, model, at, usage) {
      const day = new Date(at).toISOString().slice(0, 10);
      const price = table
        .filter(
          (entry) => entry.provider === provider && (entry.model === model || entry.model === '*'),
        )
        .filter((entry) => entry.effectiveFrom <= day)
        // The exact model before the wildcard, then the newest entry.
        .sort(
          (a, b) =>
            Number(b.model !== '*') - Number(a.model !== '*') ||
            b.effectiveFrom.localeCompare(a.effectiveFrom),
        )[0];
      if (!price) {
        const key = `${provider}/${model}`;
        if (!warned.has(key)) {
          warned.add(key);
          logger?.warn(
            { provider, model },
            'no price for this model: its calls are counted as unpriced',
          );
        }
        return null;
      }
      const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
      const multiplier =
        price.longPrompt && prompt > price.longPrompt.aboveTokens ? price.longPrompt.multiplier : 1;
      const dollars =
        usage.inputTokens * price.input +
        usage.outputTokens * price.output +
        usage.cacheWriteTokens * price.cacheWrite +
        usage.cacheReadTokens * price.cacheRead;
      return (dollars * multiplier) / 1_000_000;
    },
  };
}
