import type { ConfiguredProvider } from '@uaip/core';

/** What `/health` checks. */
export interface HealthOptions {
  /** Resolves when the storage can serve requests (e.g. `storage.ping`). */
  storage: () => Promise<void>;
  /** The LLM providers, each with a real reachability probe. */
  llm: ConfiguredProvider[];
  /** How long a probe's result is reused, so /health cannot flood the providers. @default 5000 */
  cacheMs?: number;
  /**
   * What to do when no LLM provider is reachable (e.g. how to configure one); sent as `hint`
   * while that is so, for clients to show.
   */
  llmHint?: string;
}

/** The body of `/health`. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: {
    storage: { ok: boolean };
    llm: Array<{ provider: string; ok: boolean; demo?: boolean; detail?: string }>;
  };
  /** What to do about it, while no LLM provider is reachable (from `llmHint`). */
  hint?: string;
}

/**
 * The health check: storage (a 503 when it fails) and every LLM provider, probed for real and
 * cached for a few seconds; `degraded` when no provider is reachable.
 */
export function createHealthCheck(
  options: HealthOptions,
): () => Promise<{ httpStatus: number; report: HealthReport }> {
  const cacheMs = options.cacheMs ?? 5_000;
  let cached: { at: number; llm: Promise<HealthReport['checks']['llm']> } | undefined;
  const probeAll = async () =>
    Promise.all(
      options.llm.map(async (provider) => {
        const result = await provider
          .probe()
          .catch(() => ({ ok: false, detail: 'the probe failed' }));
        return {
          provider: provider.id,
          ok: result.ok,
          ...(provider.demo ? { demo: true } : {}),
          ...(result.ok || !result.detail ? {} : { detail: result.detail }),
        };
      }),
    );
  return async () => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) cached = { at: now, llm: probeAll() };
    const [storageOk, llm] = await Promise.all([
      options.storage().then(
        () => true,
        () => false,
      ),
      cached.llm,
    ]);
    const anyModel = llm.some((check) => check.ok);
    const report: HealthReport = {
      // Anything short of a working storage and one reachable model is degraded.
      status: storageOk && anyModel ? 'ok' : 'degraded',
      checks: { storage: { ok: storageOk }, llm },
    };
    if (!anyModel && options.llmHint) report.hint = options.llmHint;
    return { httpStatus: storageOk ? 200 : 503, report };
  };
}
