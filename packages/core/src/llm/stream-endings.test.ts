import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  anthropicProvider,
  type FallbackChainOptions,
  fallbackChain,
  type LlmRequest,
  ollamaProvider,
  type ProviderError,
} from '../index';
import { failure as failureOf, useFakeLlmServers } from './fake-servers.test-support';

// How a reply ends decides whether it counts: message_stop / done, and the stop reason.
const fakes = useFakeLlmServers();
afterEach(() => vi.unstubAllEnvs());

const request: LlmRequest = {
  tier: 'fast',
  system: 's',
  messages: [{ role: 'user', content: 'x' }],
};
const ANSWER = '{"score":8,"issues":[],"followUp":""}';
const claudeProvider = () => anthropicProvider({ apiKey: 'sk-test', baseURL: fakes.claude.url });
const localProvider = () => ollamaProvider({ host: fakes.ollama.url });
const chain = (options: FallbackChainOptions = {}) =>
  fallbackChain([claudeProvider(), localProvider()], {
    minDelayMs: 1,
    maxDelayMs: 2,
    ...options,
  });
const failure = (promise: Promise<unknown>) => failureOf<ProviderError>(promise);

describe('a Claude reply counts only when it ended properly', () => {
  it('a stream with the whole answer but no message_stop is a failed attempt', async () => {
    fakes.claude.enqueue({ kind: 'unfinished', text: ANSWER });
    const error = await failure(claudeProvider().generate(request));
    expect(error).toMatchObject({ kind: 'stream_error' });
    expect(error!.attempts).toEqual([
      expect.objectContaining({ outcome: 'error', errorKind: 'stream_error' }),
    ]);
  });

  it('max_tokens is asked again once with twice the room, and both attempts are counted', async () => {
    fakes.claude.enqueue(
      { kind: 'reply', text: '{"score":', stopReason: 'max_tokens', outputTokens: 4096 },
      { kind: 'reply', text: ANSWER },
    );
    const result = await claudeProvider().generate(request);
    expect(result.text).toBe(ANSWER);
    expect(fakes.claude.generationRequests().map((sent) => sent.body.max_tokens)).toEqual([
      4096, 8192,
    ]);
    expect(result.attempts.map((attempt) => [attempt.outcome, attempt.errorKind])).toEqual([
      ['error', 'max_tokens'],
      ['ok', null],
    ]);
    expect(result.attempts[0]!.outputTokens).toBe(4096);
  });

  it('a reply that does not fit twice moves on to the next provider', async () => {
    const cut = { kind: 'reply', text: '{', stopReason: 'max_tokens' } as const;
    fakes.claude.enqueue(cut, cut);
    fakes.ollama.enqueue({ kind: 'reply', text: ANSWER });
    const result = await chain().generate(request);
    expect(result.provider).toBe('ollama');
    expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.errorKind}`)).toEqual([
      'anthropic:max_tokens',
      'anthropic:max_tokens',
      'ollama:null',
    ]);
  });

  it('a refusal is not retried, not passed to another model, and says what happened', async () => {
    fakes.claude.enqueue({ kind: 'reply', text: '', stopReason: 'refusal' });
    const error = await failure(chain().generate(request));
    expect(error).toMatchObject({ kind: 'refusal', message: expect.stringMatching(/declined/) });
    expect(fakes.claude.generationRequests()).toHaveLength(1);
    expect(fakes.ollama.generationRequests()).toHaveLength(0);
    expect(error!.attempts).toEqual([expect.objectContaining({ errorKind: 'refusal' })]);
  });

  it('reads ANTHROPIC_API_KEY when no key is passed', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-from-env');
    fakes.claude.enqueue({ kind: 'reply', text: 'ok' });
    await anthropicProvider({ baseURL: fakes.claude.url }).generate(request);
    expect(fakes.claude.generationRequests()[0]!.headers.authorization).toBe('Bearer sk-from-env');
  });
});

describe('an Ollama reply counts only when it ended properly', () => {
  it('a stream without its done line is a failed attempt', async () => {
    fakes.ollama.enqueue({ kind: 'unfinished', text: ANSWER });
    const error = await failure(localProvider().generate(request));
    expect(error).toMatchObject({ provider: 'ollama', kind: 'stream_error' });
  });

  it('a reply cut by the token limit (done_reason: length) is max_tokens', async () => {
    fakes.ollama.enqueue({ kind: 'reply', text: '{"score"', stopReason: 'max_tokens' });
    const error = await failure(localProvider().generate({ ...request, maxTokens: 5 }));
    expect(error).toMatchObject({ provider: 'ollama', kind: 'max_tokens' });
  });
});

describe('the idle timeout', () => {
  // 60 characters in chunks of 12 with 150 ms before each: 750 ms of steady streaming.
  const slow = { kind: 'reply', text: `{"a":"${'x'.repeat(52)}"}`, chunkDelayMs: 150 } as const;

  it('does not cut a long reply that keeps streaming (Claude)', async () => {
    fakes.claude.enqueue(slow);
    const result = await chain({ idleTimeoutMs: 400 }).generate(request);
    expect(result.provider).toBe('anthropic');
    expect(fakes.claude.generationRequests()).toHaveLength(1);
  });

  it('does not cut a long reply that keeps streaming (Ollama)', async () => {
    fakes.ollama.enqueue(slow);
    const result = await fallbackChain([localProvider()], { idleTimeoutMs: 400 }).generate(request);
    expect(result.provider).toBe('ollama');
  });

  it('cuts a stream that stops making progress, and tries again', async () => {
    fakes.claude.enqueue({ kind: 'stall' }, { kind: 'reply', text: ANSWER });
    const result = await chain({ idleTimeoutMs: 200 }).generate(request);
    expect(result.attempts.map((attempt) => attempt.errorKind)).toEqual(['timeout', null]);
  });
});
