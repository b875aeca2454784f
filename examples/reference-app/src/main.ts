import type { AddressInfo } from 'node:net';
import { createHttpServer, createKoaApp, createLogger, createMetrics } from '@uaip/adapter-koa';
import {
  createOrchestrator,
  createPasswordAuth,
  createWebhookDispatcher,
  providersFromEnv,
  tapEventBus,
} from '@uaip/core';
import { uaipWorkflow } from '@uaip/core/uaip';
import { createUaipMcpEndpoint, LOCALHOST_HOSTNAMES } from '@uaip/mcp-server';
import { ConfigError, readConfig } from './config';
import { withCrashHook } from './crash-hook';
import { demoPage } from './demo-page';
import { trackRequests } from './lifecycle';
import { jwtSecret } from './secret';
import { openPersistence } from './storage';

const HOW_TO_CONFIGURE =
  'To configure a model: set ANTHROPIC_API_KEY for Claude, run Ollama (OLLAMA_HOST, OLLAMA_MODEL), or set LLM_PROVIDERS=demo to try it offline.';

async function main() {
  const config = readConfig(process.env);
  const logger = createLogger({ level: config.logLevel });
  // Before anything that makes spans. Loaded only when on: the SDK adds to the start time.
  const tracing = config.tracing
    ? (await import('./tracing')).startTracing(config.tracing)
    : undefined;
  const { secret } = await jwtSecret(config.jwtSecret, config.dataDir, config.production);
  const persistence = await openPersistence(config, (error) =>
    logger.warn({ err: error }, 'background error'),
  );
  const llm = providersFromEnv(process.env, { logger });
  const metrics = createMetrics();
  const reachable = new Map<string, boolean>();
  const probe = async () => {
    await Promise.all(
      llm.providers.map(async (provider) =>
        reachable.set(provider.id, (await provider.probe(2_000)).ok),
      ),
    );
  };
  // TEST-ONLY: without UAIP_CRASH_AT (always, outside the crash tests) nothing is wrapped.
  const turnParts = config.crashAt
    ? withCrashHook(config.crashAt, { llm: llm.llm, storage: persistence.storage })
    : { llm: llm.llm, storage: persistence.storage };
  const orchestrator = createOrchestrator({
    storage: turnParts.storage,
    llm: turnParts.llm,
    workflows: [uaipWorkflow],
    events: tapEventBus(persistence.events, metrics.observeEvent),
    logger,
    budgets: config.budgets,
    leaseMs: config.turnLeaseMs,
    // Tells the operator what to do when no model at all answers.
    llmUnavailableHint: () =>
      [...reachable.values()].some(Boolean) ? undefined : HOW_TO_CONFIGURE,
    ...(tracing ? { tracing: { tracer: tracing.tracer } } : {}),
    ...(config.webhooks ? { webhooks: config.webhooks } : {}),
  });
  // Sends what the orchestrator wrote to the outbox, retrying for a day; its state is in the
  // storage, so deliveries left by a stop or crash go out after the next start.
  const webhooks =
    config.webhooks &&
    createWebhookDispatcher({ storage: persistence.storage, ...config.webhooks, logger });
  const accounts = createPasswordAuth({
    storage: persistence.storage,
    secret,
    bcryptCost: config.bcryptCost,
    revocationCacheMs: config.revocationCacheMs,
    tokenTtlSeconds: config.jwtTtlSeconds,
  });
  const requests = trackRequests();
  // Agents (Claude Desktop, Claude Code...) run sessions at /api/v1/mcp with the same tokens.
  // On loopback only loopback names may reach it (a DNS-rebinding page cannot); elsewhere the
  // bearer token is the guard.
  const mcp = createUaipMcpEndpoint({
    orchestrator,
    onError: (error) => logger.error({ err: error }, 'MCP tool failed'),
    ...(isLoopback(config.host) ? { allowedHostnames: [...LOCALHOST_HOSTNAMES] } : {}),
  });
  const { app } = createKoaApp({
    orchestrator,
    accounts,
    logger,
    metrics,
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    health: {
      storage: () => persistence.storage.ping(),
      llm: llm.providers,
      llmHint: HOW_TO_CONFIGURE,
    },
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    rateLimits: { store: persistence.rateLimitStore, ...config.rateLimits },
    pages: demoPage({ demo: llm.providers.some((provider) => provider.demo) }),
    ...(tracing ? { tracer: tracing.tracer } : {}),
    mcp,
  });
  app.middleware.unshift(requests.middleware);

  await probe();
  const refresh = setInterval(() => void probe().catch(() => {}), 30_000);
  refresh.unref();
  // Expired idempotency keys of every user, and webhook deliveries settled 30 days ago, on a
  // schedule: those of users who never come back would otherwise stay.
  const sweep = () =>
    persistence.storage
      .sweep(new Date().toISOString())
      .then((swept) => {
        if (swept > 0) logger.info({ swept }, 'expired idempotency keys and deliveries swept');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'sweeping expired entries failed'));
  const sweeping = setInterval(() => void sweep(), 10 * 60 * 1000);
  sweeping.unref();
  webhooks?.start();
  // Timeouts and a connection cap, so slow or idle clients cannot hold connections open.
  const server = createHttpServer(app, config.connections);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const models = llm.providers.map(
    (provider) =>
      `${provider.description}: ${reachable.get(provider.id) ? 'reachable' : 'not reachable'}`,
  );
  const anyReachable = [...reachable.values()].some(Boolean);
  logger.info(
    {
      url,
      storage: persistence.description,
      llm: Object.fromEntries(reachable),
      warnings: llm.warnings,
    },
    `uaip listening on ${url} · storage: ${persistence.description} · LLM: ${models.join('; ') || 'none configured'}${anyReachable ? '' : ` · no LLM provider is reachable. ${HOW_TO_CONFIGURE}`}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections; finishing the requests in flight');
    clearInterval(refresh);
    clearInterval(sweeping);
    server.close();
    server.closeIdleConnections();
    requests.endStreams();
    await requests.drained(90_000);
    await mcp.close();
    server.closeAllConnections();
    // Deliveries under way finish (or time out) before the storage they are recorded in closes.
    await webhooks?.stop();
    await persistence.close();
    // The last batch of spans, with the requests that just finished.
    await tracing?.shutdown().catch((error: unknown) => {
      logger.warn({ err: error }, 'exporting the last spans failed');
    });
    logger.info({}, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`uaip: configuration error: ${error.message}`);
  } else {
    console.error('uaip: failed to start:', error);
  }
  process.exit(1);
});
