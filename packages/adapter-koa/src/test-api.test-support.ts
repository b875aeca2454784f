import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  anthropicProvider,
  type ConfiguredProvider,
  createInProcessEventBus,
  createMemoryStorage,
  createOrchestrator,
  createPasswordAuth,
  type EventBus,
  fallbackChain,
  type LlmProvider,
  type OrchestratorOptions,
  ollamaProvider,
  providersFromEnv,
  type Storage,
  tapEventBus,
} from '@uaip/core';
import {
  demoResponder,
  type FakeLlmServer,
  startFakeAnthropic,
  startFakeOllama,
} from '@uaip/core/testing';
import { uaipWorkflow } from '@uaip/core/uaip';
import { expect } from 'vitest';
import { createKoaApp, type KoaAppOptions } from './create-app';
import { createMetrics, type Metrics } from './metrics';
import { errorBodySchema } from './response-schemas';

export const SECRET = 'test-secret-for-the-http-tests-32-bytes';
export const silentLogger = { info() {}, warn() {}, error() {} };
/** The password of every user made by {@link TestApi.user}. */
export const PASSWORD = 'correct horse battery';

export interface TestApi {
  url: string;
  storage: Storage;
  claude: FakeLlmServer;
  ollama: FakeLlmServer;
  app: ReturnType<typeof createKoaApp>;
  /** The listening HTTP server. */
  server: Server;
  metrics: Metrics;
  /** The providers `/health` probes (the fake Claude and Ollama, unless `health` was given). */
  providers: ConfiguredProvider[];
  /** Live event-bus subscriptions (SSE clients), of one session or of all. */
  subscriptions(sessionId?: string): number;
  close(): Promise<void>;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** Registers and logs in a new user; returns the bearer token. */
  user(email?: string): Promise<{ token: string; id: string }>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON they expect
  json: any;
  text: string;
}

/** Rate limits no test request reaches: for tests whose every request must reach its route. */
export const NO_RATE_LIMITS = {
  userPerHour: 1e9,
  llmPerHour: 1e9,
  importsPerHour: 1e9,
  globalPerHour: 1e9,
  anonymousPerAddressPerHour: 1e9,
  registrationsPerAddressPerHour: 1e9,
  loginPer15Min: 1e9,
};

/**
 * The reference app's pieces on loopback: memory storage, password accounts (bcrypt at the
 * floor cost), the real LLM chain against fake Claude and Ollama servers that answer like the
 * demo provider, metrics and health.
 */
export async function startTestApi(
  overrides: Partial<Omit<KoaAppOptions, 'orchestrator'>> & {
    llm?: LlmProvider;
    orchestrator?: Partial<OrchestratorOptions>;
    storage?: Storage;
  } = {},
): Promise<TestApi> {
  // The orchestrator's options are its own, not the app's (whose `orchestrator` is the engine).
  const { llm: _llm, orchestrator: _orchestrator, storage: _storage, ...appOverrides } = overrides;
  const claude = await startFakeAnthropic();
  const ollama = await startFakeOllama();
  claude.respond(demoResponder('anthropic'));
  ollama.respond(demoResponder('ollama'));
  const storage = overrides.storage ?? createMemoryStorage();
  const accounts = createPasswordAuth({ storage, secret: SECRET, bcryptCost: 10 });
  const metrics = createMetrics({ defaultMetrics: false });
  const llm =
    overrides.llm ??
    fallbackChain(
      [
        anthropicProvider({ apiKey: 'sk-test', baseURL: claude.url }),
        ollamaProvider({ host: ollama.url }),
      ],
      {
        minDelayMs: 1,
        maxDelayMs: 2,
      },
    );
  const live = new Map<string, number>();
  const events = countSubscriptions(
    tapEventBus(createInProcessEventBus(), metrics.observeEvent),
    live,
  );
  const orchestrator = createOrchestrator({
    storage,
    llm,
    workflows: [uaipWorkflow],
    events,
    ...overrides.orchestrator,
  });
  const { providers } = providersFromEnv({
    ANTHROPIC_API_KEY: 'sk-test',
    ANTHROPIC_BASE_URL: claude.url,
    OLLAMA_HOST: ollama.url,
  });
  const app = createKoaApp({
    orchestrator,
    accounts,
    logger: silentLogger,
    metrics,
    health: { storage: () => storage.ping(), llm: providers, cacheMs: 0 },
    heartbeatMs: 50,
    // Tests register and log in many users from one address: unless a test sets its own
    // limits, those from one address are raised out of the way.
    rateLimits: { registrationsPerAddressPerHour: 100_000, anonymousPerAddressPerHour: 100_000 },
    ...appOverrides,
  });
  const server: Server = app.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call = async (
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<CallResult> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  };

  let users = 0;
  return {
    url,
    storage,
    claude,
    ollama,
    app,
    server,
    metrics,
    providers,
    subscriptions: (sessionId) =>
      sessionId === undefined
        ? [...live.values()].reduce((sum, count) => sum + count, 0)
        : (live.get(sessionId) ?? 0),
    call,
    async user(email = `user${++users}-${Math.random().toString(36).slice(2, 8)}@example.com`) {
      const password = PASSWORD;
      const registered = await call('POST', '/api/v1/auth/register', { body: { email, password } });
      const login = await call('POST', '/api/v1/auth/login', { body: { email, password } });
      return { token: login.json.accessToken as string, id: registered.json.user.id as string };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await claude.close();
      await ollama.close();
    },
  };
}

/** The bus, counting its live subscriptions per session into `live`. */
function countSubscriptions(bus: EventBus, live: Map<string, number>): EventBus {
  return {
    publish: (event) => bus.publish(event),
    subscribe(sessionId, listener) {
      const unsubscribe = bus.subscribe(sessionId, listener);
      live.set(sessionId, (live.get(sessionId) ?? 0) + 1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        unsubscribe();
        const left = (live.get(sessionId) ?? 1) - 1;
        if (left === 0) live.delete(sessionId);
        else live.set(sessionId, left);
      };
    },
  };
}

/**
 * Asserts an error reply: its status, the contract's error body with `code`, and, when given,
 * a `details` entry naming `detailPath`. Returns the error.
 */
export function expectError(
  response: { status: number; json: unknown },
  status: number,
  code: string,
  detailPath?: string,
) {
  expect(response.status, JSON.stringify(response.json)).toBe(status);
  const { error } = errorBodySchema.parse(response.json);
  expect(error.code).toBe(code);
  if (detailPath) expect(error.details?.map((detail) => detail.path)).toContain(detailPath);
  return error;
}
