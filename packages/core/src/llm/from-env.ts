import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from '../logger';
import { createPricing, type Pricing } from '../usage/pricing';
import { anthropicProvider, DEFAULT_ANTHROPIC_MODELS } from './anthropic';
import { demoProvider } from './demo-provider';
import { fallbackChain } from './fallback';
import { ollamaProvider } from './ollama';
import type { LlmProvider } from './types';

/** The result of a reachability probe. */
export interface ProbeResult {
  ok: boolean;
  /** Why not, in words an operator can act on. */
  detail?: string;
}

/** One provider of the chain, with what `/health` and the start-up line need. */
export interface ConfiguredProvider {
  id: string;
  provider: LlmProvider;
  /** True for the offline `demo` provider, which must be labelled wherever it shows. */
  demo: boolean;
  /** Which models it uses, for the start-up line. */
  description: string;
  /** A real request to the provider (not a configuration check), bounded by `timeoutMs`. */
  probe(timeoutMs?: number): Promise<ProbeResult>;
}

/** The LLM configuration read from the environment. */
export interface LlmConfig {
  /** The fallback chain over `providers`, in `LLM_PROVIDERS` order. */
  llm: LlmProvider;
  providers: ConfiguredProvider[];
  /** Providers named but skipped, and why. Also logged. */
  warnings: string[];
}

/** Options of {@link providersFromEnv}. */
export interface ProvidersFromEnvOptions {
  logger?: Logger;
  /** For tests: the fetch both providers use. */
  fetch?: typeof fetch;
  pricing?: Pricing;
}

/**
 * Builds the LLM chain from the variables of the HTTP contract: `LLM_PROVIDERS` (order of the
 * chain, default `anthropic,ollama`; `demo` only when named), `ANTHROPIC_API_KEY`,
 * `ANTHROPIC_BASE_URL`, `ANTHROPIC_MODEL[_FAST|_BALANCED]`, `OLLAMA_HOST`,
 * `OLLAMA_MODEL[_FAST|_BALANCED]`, `LLM_TIMEOUT_MS`. A provider without what it needs is
 * skipped with a warning; an invalid value is an error.
 *
 * @example
 * ```ts
 * const { llm, providers } = providersFromEnv(process.env, { logger });
 * ```
 */
export function providersFromEnv(
  env: Record<string, string | undefined>,
  options: ProvidersFromEnvOptions = {},
): LlmConfig {
  const logger = options.logger;
  const pricing = options.pricing ?? createPricing(undefined, logger);
  const names = (env.LLM_PROVIDERS ?? 'anthropic,ollama')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const timeoutMs = positiveInteger(env.LLM_TIMEOUT_MS, 'LLM_TIMEOUT_MS') ?? 60_000;
  const providers: ConfiguredProvider[] = [];
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    logger?.warn({}, message);
  };

  for (const name of new Set(names)) {
    if (name === 'anthropic') {
      const apiKey = env.ANTHROPIC_API_KEY?.trim();
      if (!apiKey) {
        warn('LLM provider "anthropic" skipped: ANTHROPIC_API_KEY is not set');
        continue;
      }
      providers.push(anthropicFromEnv(env, apiKey, pricing, logger, options.fetch));
    } else if (name === 'ollama') {
      providers.push(ollamaFromEnv(env, pricing, options.fetch));
    } else if (name === 'demo') {
      providers.push({
        id: 'demo',
        provider: demoProvider(),
        demo: true,
        description: 'demo (offline, answers built from your own text; not a language model)',
        probe: async () => ({ ok: true }),
      });
    } else {
      warn(`LLM provider "${name}" in LLM_PROVIDERS is unknown; known: anthropic, ollama, demo`);
    }
  }
  const llm = fallbackChain(
    providers.map((configured) => configured.provider),
    {
      deadlineMs: timeoutMs,
      idleTimeoutMs: Math.min(30_000, timeoutMs),
      ...(logger ? { logger } : {}),
    },
  );
  return { llm, providers, warnings };
}

function anthropicFromEnv(
  env: Record<string, string | undefined>,
  apiKey: string,
  pricing: Pricing,
  logger: Logger | undefined,
  customFetch: typeof fetch | undefined,
): ConfiguredProvider {
  const models = {
    fast: env.ANTHROPIC_MODEL_FAST || env.ANTHROPIC_MODEL || DEFAULT_ANTHROPIC_MODELS.fast,
    balanced:
      env.ANTHROPIC_MODEL_BALANCED || env.ANTHROPIC_MODEL || DEFAULT_ANTHROPIC_MODELS.balanced,
  };
  const client = new Anthropic({
    apiKey,
    ...(env.ANTHROPIC_BASE_URL ? { baseURL: env.ANTHROPIC_BASE_URL } : {}),
    ...(customFetch ? { fetch: customFetch } : {}),
    maxRetries: 0,
  });
  return {
    id: 'anthropic',
    provider: anthropicProvider({ client, models, pricing, ...(logger ? { logger } : {}) }),
    demo: false,
    description: `anthropic (${models.fast}, ${models.balanced})`,
    async probe(timeoutMs = 3_000) {
      try {
        await client.models.list({ limit: 1 }, { timeout: timeoutMs });
        return { ok: true };
      } catch (error) {
        const status = (error as { status?: number }).status;
        return {
          ok: false,
          detail: status ? `HTTP ${status} from the Claude API` : 'the Claude API did not answer',
        };
      }
    },
  };
}

function ollamaFromEnv(
  env: Record<string, string | undefined>,
  pricing: Pricing,
  customFetch: typeof fetch | undefined,
): ConfiguredProvider {
  const host = (env.OLLAMA_HOST || 'http://127.0.0.1:11434').replace(/\/+$/, '');
  const models = {
    fast: env.OLLAMA_MODEL_FAST || env.OLLAMA_MODEL || 'llama3.2',
    balanced: env.OLLAMA_MODEL_BALANCED || env.OLLAMA_MODEL || 'llama3.2',
  };
  const doFetch = customFetch ?? globalThis.fetch;
  return {
    id: 'ollama',
    provider: ollamaProvider({
      host,
      models,
      pricing,
      ...(customFetch ? { fetch: customFetch } : {}),
    }),
    demo: false,
    description: `ollama at ${host} (${[...new Set([models.fast, models.balanced])].join(', ')})`,
    async probe(timeoutMs = 3_000) {
      try {
        const response = await doFetch(`${host}/api/tags`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!response.ok) return { ok: false, detail: `HTTP ${response.status} from Ollama` };
        const body = (await response.json()) as { models?: Array<{ name: string }> };
        const installed = new Set(
          (body.models ?? []).flatMap((model) => [model.name, model.name.replace(/:latest$/, '')]),
        );
        const missing = [...new Set([models.fast, models.balanced])].filter(
          (model) => !installed.has(model),
        );
        return missing.length === 0
          ? { ok: true }
          : {
              ok: false,
              detail: `Ollama has no model ${missing.join(', ')} (ollama pull ${missing[0]})`,
            };
      } catch {
        return { ok: false, detail: `Ollama does not answer at ${host}` };
      }
    },
  };
}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new TypeError(`${name} must be a positive whole number of milliseconds, not "${value}"`);
  }
  return number;
}
