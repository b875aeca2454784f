import { afterAll, afterEach, beforeAll } from 'vitest';
import { type FakeLlmServer, startFakeAnthropic, startFakeOllama } from '../testing/index';

/** A fake Claude API and a fake Ollama for the file, with their request logs cleared per test. */
export function useFakeLlmServers(options: { claudeModels?: string[] } = {}) {
  const servers = {} as { claude: FakeLlmServer; ollama: FakeLlmServer };
  beforeAll(async () => {
    servers.claude = await startFakeAnthropic(
      options.claudeModels ? { models: options.claudeModels } : {},
    );
    servers.ollama = await startFakeOllama();
  });
  afterAll(async () => {
    await servers.claude.close();
    await servers.ollama.close();
  });
  afterEach(() => {
    servers.claude.requests.length = 0;
    servers.ollama.requests.length = 0;
  });
  return servers;
}

/** The error a promise rejects with, or null when it resolves. */
export function failure<E = Error>(promise: Promise<unknown>): Promise<E | null> {
  return promise.then(
    () => null,
    (error: unknown) => error as E,
  );
}
