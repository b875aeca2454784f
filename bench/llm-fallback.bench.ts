import { anthropicProvider, fallbackChain, type LlmRequest, ollamaProvider } from '@uaip/core';
import { startFakeAnthropic, startFakeOllama } from '@uaip/core/testing';
import { type BenchReport, median, percentile } from './harness';

// How fast the chain reaches the fallback when Claude is down (connection refused, or its
// circuit open), and whether a 429's retry-after is honoured to the goal's window.
// Goals (quality-bars.md): fallback request <= 50 ms after the failure, excluding deliberate
// backoff; after `retry-after: R` the next attempt starts within [R, R + 10% + 100 ms].

const RUNS = 30;
const RETRY_AFTER_S = 0.5;
const request: LlmRequest = {
  tier: 'fast',
  system: 'Score it',
  messages: [{ role: 'user', content: 'An answer' }],
};

/** A fetch that notes when each request leaves. */
function timedFetch(stamps: number[]): typeof fetch {
  return (input, init) => {
    stamps.push(performance.now());
    return fetch(input, init);
  };
}

export default async function run(): Promise<BenchReport> {
  const ollama = await startFakeOllama();
  const claude = await startFakeAnthropic();
  ollama.respond(() => ({ text: '{"score":8}' }));
  claude.respond(() => ({ text: '{"score":8}' }));
  try {
    // Floor: Ollama alone, the cost of the fallback request itself.
    const floor: number[] = [];
    for (let index = 0; index < RUNS; index++) {
      const stamps: number[] = [];
      const started = performance.now();
      await ollamaProvider({ host: ollama.url, fetch: timedFetch(stamps) }).generate(request);
      floor.push(stamps[0]! - started);
    }

    const refused: number[] = [];
    for (let index = 0; index < RUNS; index++) {
      const stamps: number[] = [];
      const chain = fallbackChain(
        [
          anthropicProvider({ apiKey: 'sk', baseURL: 'http://127.0.0.1:9' }),
          ollamaProvider({ host: ollama.url, fetch: timedFetch(stamps) }),
        ],
        { retries: 0 },
      );
      const started = performance.now();
      await chain.generate(request);
      refused.push(stamps[0]! - started);
    }

    const breakerOpen: number[] = [];
    let stamps: number[] = [];
    const chain = fallbackChain(
      [
        anthropicProvider({ apiKey: 'sk', baseURL: 'http://127.0.0.1:9' }),
        ollamaProvider({
          host: ollama.url,
          fetch: (input, init) => timedFetch(stamps)(input, init),
        }),
      ],
      { retries: 0, breaker: { failureThreshold: 1, cooldownMs: 3_600_000 } },
    );
    await chain.generate(request); // opens Claude's circuit
    for (let index = 0; index < RUNS; index++) {
      stamps = [];
      const started = performance.now();
      await chain.generate(request);
      breakerOpen.push(stamps[0]! - started);
    }

    const retryGaps: number[] = [];
    for (let index = 0; index < 5; index++) {
      const stamps: number[] = [];
      claude.enqueue({ kind: 'status', status: 429, retryAfter: String(RETRY_AFTER_S) });
      const claudeOnly = fallbackChain([
        anthropicProvider({ apiKey: 'sk', baseURL: claude.url, fetch: timedFetch(stamps) }),
      ]);
      await claudeOnly.generate(request);
      retryGaps.push(stamps[1]! - stamps[0]!);
    }
    const windowEnd = RETRY_AFTER_S * 1000 * 1.1 + 100;
    return {
      backend: 'none (loopback fake LLM servers)',
      measurements: [
        {
          name: 'fallback request after connection refused (median)',
          value: median(refused),
          unit: 'ms',
          goal: { op: '<=', value: 50 },
        },
        {
          name: 'fallback request after connection refused (p95)',
          value: percentile(refused, 95),
          unit: 'ms',
          goal: { op: '<=', value: 50 },
        },
        {
          name: 'fallback request with the breaker open (median)',
          value: median(breakerOpen),
          unit: 'ms',
          goal: { op: '<=', value: 50 },
        },
        { name: 'floor: Ollama request alone (median)', value: median(floor), unit: 'ms' },
        {
          name: `next attempt after retry-after ${RETRY_AFTER_S}s (min)`,
          value: Math.min(...retryGaps),
          unit: 'ms',
          goal: { op: '>=', value: RETRY_AFTER_S * 1000 },
        },
        {
          name: `next attempt after retry-after ${RETRY_AFTER_S}s (max)`,
          value: Math.max(...retryGaps),
          unit: 'ms',
          goal: { op: '<=', value: windowEnd },
        },
      ],
      notes: [
        `${RUNS} runs each; retries off for the fallback figures (no deliberate backoff); 5 runs of the 429 case`,
      ],
    };
  } finally {
    await ollama.close();
    await claude.close();
  }
}
