import { describe, expect, it } from 'vitest';
import { createPricing } from '../index';

const tokens = (input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: cacheRead,
  cacheWriteTokens: cacheWrite,
});

describe('createPricing with the default table', () => {
  const pricing = createPricing();

  it('prices Haiku 5.5 with cache tokens, by hand', () => {
    // 2,000 in × $0.10 + 500 out × $0.50 + 10,000 cache reads × $0.01 + 1,000 cache writes × $0.125
    // = 200 + 250 + 100 + 125 = 675 per million → $0.000675
    expect(
      pricing.cost(
        'anthropic',
        'claude-haiku-5-5',
        '2026-11-26T10:00:00Z',
        tokens(2_000, 500, 10_000, 1_000),
      ),
    ).toBeCloseTo(0.000675, 12);
  });

  it("applies Haiku 5.5's higher band to every token once the prompt passes 100,000 tokens", () => {
    const at = '2026-11-26T10:00:00Z';
    const under = pricing.cost(
      'anthropic',
      'claude-haiku-5-5',
      at,
      tokens(90_000, 1_000, 10_000, 0),
    )!;
    const over = pricing.cost(
      'anthropic',
      'claude-haiku-5-5',
      at,
      tokens(90_000, 1_000, 10_001, 0),
    )!;
    // 90,000 × 0.10 + 1,000 × 0.50 + 10,000 × 0.01 = 9,600 per million.
    expect(under).toBeCloseTo(0.0096, 12);
    // The cache reads count towards the prompt length: 100,001 tokens, everything × 5.
    expect(over).toBeCloseTo(((90_000 * 0.1 + 1_000 * 0.5 + 10_001 * 0.01) * 5) / 1e6, 12);
  });

  it('prices Sonnet 5.5 cache reads by the date of the call', () => {
    const usage = tokens(0, 0, 1_000_000, 0);
    expect(
      pricing.cost('anthropic', 'claude-sonnet-5-5', '2026-10-06T23:59:59Z', usage),
    ).toBeCloseTo(0.2, 12);
    expect(
      pricing.cost('anthropic', 'claude-sonnet-5-5', '2026-10-07T00:00:00Z', usage),
    ).toBeCloseTo(0.1, 12);
  });

  it('prices Opus 5.5 and the 4.5 models', () => {
    expect(
      pricing.cost('anthropic', 'claude-opus-5-5', '2026-11-01', tokens(1_000_000, 1_000_000)),
    ).toBeCloseTo(24, 9);
    expect(
      pricing.cost('anthropic', 'claude-haiku-4-5', '2026-11-01', tokens(1_000_000, 0)),
    ).toBeCloseTo(1, 9);
    expect(
      pricing.cost('anthropic', 'claude-sonnet-4-5', '2026-11-01', tokens(0, 1_000_000)),
    ).toBeCloseTo(15, 9);
  });

  it('counts Ollama and demo calls at $0 whatever the model', () => {
    expect(pricing.cost('ollama', 'llama3.2', '2026-11-26', tokens(5_000, 5_000))).toBe(0);
    expect(pricing.cost('demo', 'demo', '2026-11-26', tokens(5_000, 5_000))).toBe(0);
  });

  it('gives null, not 0, for an unknown model or a date before its price, and warns once', () => {
    const warnings: string[] = [];
    const logged = createPricing(undefined, {
      debug() {},
      info() {},
      error() {},
      warn: (_fields, message) => warnings.push(message),
    });
    expect(logged.cost('anthropic', 'claude-mystery-9', '2026-11-26', tokens(1, 1))).toBeNull();
    expect(logged.cost('anthropic', 'claude-mystery-9', '2026-11-26', tokens(1, 1))).toBeNull();
    expect(logged.cost('anthropic', 'claude-sonnet-5-5', '2025-01-01', tokens(1, 1))).toBeNull();
    expect(warnings).toHaveLength(2);
  });
});
