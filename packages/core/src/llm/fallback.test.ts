import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  answerScoreSchema,
  anthropicProvider,
  type FallbackChainOptions,
  fallbackChain,
  generateObject,
  type LlmRequest,
  ollamaProvider,
  ProviderError,
} from '../index';
import { type FakeLlmServer, startFakeAnthropic, startFakeOllama } from '../testing/index';

let claude: FakeLlmServer;
let ollama: FakeLlmServer;
const good = '{"score":8,"issues":[],"followUp":""}';
const request: LlmRequest = {
  tier: 'fast',
  system: 'Score it',
  messages: [{ role: 'user', content: 'An answer' }],
};

beforeAll(async () => {
  claude = await startFakeAnthropic();
  ollama = await startFakeOllama();
  claude.respond(() => ({ text: good }));
  ollama.respond(() => ({ text: good }));
});
afterAll(async () => {
  await claude.close();
  await ollama.close();
});
afterEach(() => {
  claude.requests.length = 0;
  ollama.requests.length = 0;
  claude.respond(() => ({ text: good }));
  ollama.respond(() => ({ text: good }));
});

/** Claude then Ollama, with millisecond backoffs so tests stay fast. */
function chain(options: FallbackChainOptions = {}) {
  const fallbacks: Array<{ from: string; to: string; reason: string }> = [];
  const llm = fallbackChain(
    [
      anthropicProvider({ apiKey: 'sk-test', baseURL: claude.url }),
      ollamaProvider({ host: ollama.url }),
    ],
    { minDelayMs: 1, maxDelayMs: 5, attemptTimeoutMs: 2_000, deadlineMs: 5_000, ...options },
  );
  const generate = (extra: LlmRequest = request, signal?: AbortSignal) =>
    llm.generate(extra, {
      ...(signal ? { signal } : {}),
      onFallback: (fallback) => fallbacks.push(fallback),
    });
  return { llm, generate, fallbacks };
}

const counts = () => [claude.generationRequests().length, ollama.generationRequests().length];
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as AllProvidersFailedError,
  );

describe('fallbackChain over the real SDK clients', () => {
  it('answers from the first provider with one request', async () => {
    const result = await chain().generate();
    expect(result).toMatchObject({ provider: 'anthropic', text: good });
    expect(counts()).toEqual([1, 0]);
  });

  it.each([
    ['529', { kind: 'status', status: 529 }],
    ['500', { kind: 'status', status: 500 }],
    ['429 without retry-after', { kind: 'status', status: 429 }],
    ['429 with retry-after under the cap', { kind: 'status', status: 429, retryAfter: '0.01' }],
    ['a connection reset', { kind: 'reset' }],
    ['an error event mid-stream', { kind: 'stream_error' }],
  ] as const)('retries the same provider after %s', async (_name, behaviour) => {
    claude.enqueue(behaviour, behaviour);
    const result = await chain().generate();
    expect(result.provider).toBe('anthropic');
    expect(counts()).toEqual([3, 0]);
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['error', 'error', 'ok']);
  });

  it('moves on to Ollama when the retries are spent, and says so', async () => {
    claude.enqueue(...Array(3).fill({ kind: 'status', status: 529 }));
    const { generate, fallbacks } = chain();
    const result = await generate();
    expect(result.provider).toBe('ollama');
    expect(counts()).toEqual([3, 1]);
    expect(fallbacks).toEqual([{ from: 'anthropic', to: 'ollama', reason: 'overloaded' }]);
    expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual([
      'anthropic:error',
      'anthropic:error',
      'anthropic:error',
      'ollama:ok',
    ]);
  });

  it('moves on at once when retry-after is longer than the cap', async () => {
    claude.enqueue({ kind: 'status', status: 429, retryAfter: '30' });
    const result = await chain({ retryAfterCapMs: 10_000 }).generate();
    expect(result.provider).toBe('ollama');
    expect(counts()).toEqual([1, 1]);
  });

  it('moves on at once when retry-after would pass the deadline', async () => {
    claude.enqueue({ kind: 'status', status: 429, retryAfter: '3' });
    const result = await chain({ retryAfterCapMs: 10_000, deadlineMs: 2_000 }).generate();
    expect(result.provider).toBe('ollama');
    expect(counts()).toEqual([1, 1]);
  });

  it.each([
    ['401', { kind: 'status', status: 401 }, 'auth'],
    ['403', { kind: 'status', status: 403 }, 'auth'],
    ['404 model', { kind: 'status', status: 404 }, 'not_found'],
  ] as const)(
    'moves on without retrying after %s, and logs it loudly once',
    async (_name, behaviour, reason) => {
      const errors: string[] = [];
      const logger = {
        debug() {},
        info() {},
        warn() {},
        error: (_f: object, message: string) => errors.push(message),
      };
      const { generate, fallbacks } = chain({ logger });
      claude.enqueue(behaviour);
      expect((await generate()).provider).toBe('ollama');
      claude.enqueue(behaviour);
      await generate();
      expect(counts()).toEqual([2, 2]);
      expect(fallbacks[0]).toEqual({ from: 'anthropic', to: 'ollama', reason });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/anthropic.*configuration/);
    },
  );

  it.each([
    ['400', 400, 'bad_request'],
    ['413', 413, 'too_large'],
  ] as const)('neither retries nor moves on after %s', async (_name, status, kind) => {
    claude.enqueue({ kind: 'status', status });
    const error = await failure(chain().generate());
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind, provider: 'anthropic' });
    expect(counts()).toEqual([1, 0]);
  });

  it('times out a request that hangs before headers, then retries it', async () => {
    claude.enqueue({ kind: 'hang' });
    const result = await chain({ attemptTimeoutMs: 100 }).generate();
    expect(result.provider).toBe('anthropic');
    expect(counts()).toEqual([2, 0]);
    expect(result.attempts[0]).toMatchObject({ outcome: 'error', errorKind: 'timeout' });
  });

  it('counts a stream that stalls mid-way as a failed attempt, never as a success', async () => {
    claude.enqueue(
      { kind: 'stall', partialText: '{"score":' },
      { kind: 'stall' },
      { kind: 'stall' },
    );
    const result = await chain({ attemptTimeoutMs: 100 }).generate();
    expect(result.provider).toBe('ollama');
    expect(counts()).toEqual([3, 1]);
    expect(result.attempts.slice(0, 3).map((attempt) => attempt.errorKind)).toEqual([
      'timeout',
      'timeout',
      'timeout',
    ]);
  });

  it('keeps one deadline for the whole call, so retries never multiply', async () => {
    claude.respond(() => ({ kind: 'hang' }));
    ollama.respond(() => ({ kind: 'hang' }));
    const error = await failure(chain({ attemptTimeoutMs: 1_000, deadlineMs: 300 }).generate());
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect(error!.errors.map((item) => `${item.provider}:${item.kind}`)).toEqual([
      'anthropic:deadline',
      'ollama:deadline',
    ]);
    expect(counts()).toEqual([1, 0]);
  });

  it("fails with every provider's reason when both are down", async () => {
    claude.respond(() => ({ kind: 'status', status: 500 }));
    ollama.respond(() => ({ kind: 'reset' }));
    const error = await failure(chain().generate());
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect(error!.errors.map((item) => `${item.provider}:${item.kind}`)).toEqual([
      'anthropic:server_error',
      'ollama:connection',
    ]);
    expect(counts()).toEqual([3, 3]);
    expect(error!.attempts).toHaveLength(6);
  });

  it('stops at once, without falling back, when the caller aborts', async () => {
    claude.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const { generate, fallbacks } = chain();
    const pending = failure(generate(request, controller.signal));
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort(new Error('client went away'));
    const error = await pending;
    expect(error).toMatchObject({ kind: 'aborted', cause: { message: 'client went away' } });
    // The attempt that reached Claude goes with the error, so it can be counted.
    expect(error!.attempts).toEqual([
      expect.objectContaining({ provider: 'anthropic', errorKind: 'aborted' }),
    ]);
    expect(counts()).toEqual([1, 0]);
    expect(fallbacks).toEqual([]);
  });

  it('re-asks an invalid output once, then moves on to the next provider', async () => {
    claude.enqueue(
      { kind: 'invalid_json' },
      { kind: 'reply', text: '{"score":99,"issues":[],"followUp":""}' },
    );
    const result = await generateObject(chain().llm, answerScoreSchema, {
      ...request,
      name: 'scoring',
    });
    expect(result.value.score).toBe(8);
    expect(result.provider).toBe('ollama');
    expect(counts()).toEqual([2, 1]);
    expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual([
      'anthropic:invalid_output',
      'anthropic:invalid_output',
      'ollama:ok',
    ]);
    // The re-ask showed Claude its own reply and what was wrong with it.
    const reAsk = claude.generationRequests()[1]!.body.messages;
    expect(reAsk.at(-1).content).toContain('not JSON');
  });

  it('uses a corrected output from the same provider after the re-ask', async () => {
    claude.enqueue({ kind: 'reply', text: '{"score":"eight"}' });
    const result = await generateObject(chain().llm, answerScoreSchema, {
      ...request,
      name: 'scoring',
    });
    expect(result.provider).toBe('anthropic');
    expect(counts()).toEqual([2, 0]);
  });

  it('opens the circuit after repeated failures: no network call until the cool-down, then one probe', async () => {
    let now = 1_000_000;
    const { generate } = chain({
      retries: 0,
      breaker: { failureThreshold: 2, cooldownMs: 10_000 },
      now: () => now,
    });
    claude.respond(() => ({ kind: 'status', status: 500 }));
    await generate();
    await generate();
    expect(counts()).toEqual([2, 2]);
    // Open: Claude is skipped without a request.
    await generate();
    await generate();
    expect(counts()).toEqual([2, 4]);
    // After the cool-down exactly one probe goes out; it fails, so the circuit opens again.
    now += 10_000;
    await generate();
    await generate();
    expect(counts()).toEqual([3, 6]);
    // A successful probe closes it.
    now += 10_000;
    claude.respond(() => ({ text: good }));
    expect((await generate()).provider).toBe('anthropic');
    expect((await generate()).provider).toBe('anthropic');
    expect(counts()).toEqual([5, 6]);
  });

  it('leaves no timer behind', async () => {
    const timers = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    claude.enqueue(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    );
    await chain().generate();
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
