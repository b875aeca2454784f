import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerScoreSchema, generateObject, providersFromEnv } from '../index';
import { type FakeLlmServer, startFakeAnthropic, startFakeOllama } from '../testing/index';

let claude: FakeLlmServer;
let ollama: FakeLlmServer;
const request = {
  tier: 'fast' as const,
  system: 's',
  messages: [{ role: 'user' as const, content: 'x' }],
};

beforeAll(async () => {
  claude = await startFakeAnthropic({
    models: ['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5'],
  });
  ollama = await startFakeOllama({ models: ['llama3.2', 'qwen3'] });
});
afterAll(async () => {
  await claude.close();
  await ollama.close();
});

describe('providersFromEnv', () => {
  it('defaults to Claude then Ollama, skipping Claude with a warning when there is no key', () => {
    const config = providersFromEnv({});
    expect(config.providers.map((provider) => provider.id)).toEqual(['ollama']);
    expect(config.warnings).toEqual([
      'LLM provider "anthropic" skipped: ANTHROPIC_API_KEY is not set',
    ]);
  });

  it('builds a working chain from the variables, in LLM_PROVIDERS order', async () => {
    const config = providersFromEnv({
      LLM_PROVIDERS: 'ollama, anthropic',
      ANTHROPIC_API_KEY: 'sk-test',
      ANTHROPIC_BASE_URL: claude.url,
      ANTHROPIC_MODEL: 'claude-opus-5-5',
      OLLAMA_HOST: ollama.url,
      OLLAMA_MODEL_FAST: 'qwen3',
    });
    expect(config.providers.map((provider) => provider.description)).toEqual([
      `ollama at ${ollama.url} (qwen3, llama3.2)`,
      'anthropic (claude-opus-5-5, claude-opus-5-5)',
    ]);
    ollama.enqueue({ kind: 'status', status: 404 });
    claude.enqueue({ kind: 'reply', text: '{"score":7,"issues":[],"followUp":""}' });
    const result = await generateObject(config.llm, answerScoreSchema, request);
    expect(result.provider).toBe('anthropic');
    expect(claude.generationRequests().at(-1)!.body.model).toBe('claude-opus-5-5');
    expect(ollama.generationRequests().at(-1)!.body.model).toBe('qwen3');
  });

  it('adds the demo provider only when named, and labels it', async () => {
    expect(
      providersFromEnv({ ANTHROPIC_API_KEY: 'k' }).providers.some((provider) => provider.demo),
    ).toBe(false);
    const config = providersFromEnv({ LLM_PROVIDERS: 'demo' });
    expect(config.providers).toHaveLength(1);
    expect(config.providers[0]).toMatchObject({ id: 'demo', demo: true });
    expect(await config.providers[0]!.probe()).toEqual({ ok: true });
    const result = await generateObject(config.llm, answerScoreSchema, {
      ...request,
      messages: [{ role: 'user', content: 'Answer to score: <answer>not sure</answer>' }],
    });
    expect(result.attempts[0]).toMatchObject({ provider: 'demo', model: 'demo', costUsd: 0 });
  });

  it('warns about an unknown provider name and refuses an invalid timeout', () => {
    expect(providersFromEnv({ LLM_PROVIDERS: 'openai,demo' }).warnings[0]).toMatch(
      /"openai".*unknown/,
    );
    expect(() => providersFromEnv({ LLM_TIMEOUT_MS: 'soon' })).toThrow(/LLM_TIMEOUT_MS/);
    expect(() => providersFromEnv({ LLM_TIMEOUT_MS: '-5' })).toThrow(/LLM_TIMEOUT_MS/);
  });

  it('probes each provider for real', async () => {
    const up = providersFromEnv({
      ANTHROPIC_API_KEY: 'sk',
      ANTHROPIC_BASE_URL: claude.url,
      OLLAMA_HOST: ollama.url,
    });
    const before = claude.requests.length;
    expect(await Promise.all(up.providers.map((provider) => provider.probe()))).toEqual([
      { ok: true },
      { ok: true },
    ]);
    expect(
      claude.requests.slice(before).map((item) => `${item.method} ${item.path.split('?')[0]}`),
    ).toEqual(['GET /v1/models']);

    const missingModel = providersFromEnv({
      LLM_PROVIDERS: 'ollama',
      OLLAMA_HOST: ollama.url,
      OLLAMA_MODEL: 'mistral',
    });
    expect(await missingModel.providers[0]!.probe()).toEqual({
      ok: false,
      detail: 'Ollama has no model mistral (ollama pull mistral)',
    });

    const down = providersFromEnv({
      ANTHROPIC_API_KEY: 'sk',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      OLLAMA_HOST: 'http://127.0.0.1:9',
    });
    const results = await Promise.all(down.providers.map((provider) => provider.probe(500)));
    expect(results.map((result) => result.ok)).toEqual([false, false]);
    expect(results[1]!.detail).toBe('Ollama does not answer at http://127.0.0.1:9');
  });
});
