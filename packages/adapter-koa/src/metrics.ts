import type { SessionEvent } from '@uaip/core';
import type { Middleware } from 'koa';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one process: HTTP traffic and the LLM calls its turns made. */
export interface Metrics {
  readonly registry: Registry;
  /** Counts and times every request by method, route and status. */
  http: Middleware;
  /** Feeds LLM metrics from session events (wire it with `tapEventBus`). */
  observeEvent(event: SessionEvent): void;
}

/**
 * A private prom-client registry (never the global one, so two apps in one process do not
 * collide) with HTTP request counts and latency histograms, LLM calls by provider and
 * outcome, fallbacks, tokens and cost, and the process's default metrics.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'uaip_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'uaip_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const llmCalls = new Counter({
    name: 'uaip_llm_calls_total',
    help: 'LLM calls (attempts) by provider, model, purpose and outcome',
    labelNames: ['provider', 'model', 'purpose', 'outcome'],
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'uaip_llm_fallbacks_total',
    help: 'Fall-overs from one LLM provider to the next, by reason',
    labelNames: ['from', 'to', 'reason'],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'uaip_llm_tokens_total',
    help: 'LLM tokens by provider, model and kind (input, output, cache_read, cache_write)',
    labelNames: ['provider', 'model', 'kind'],
    registers: [registry],
  });
  const cost = new Counter({
    name: 'uaip_llm_cost_usd_total',
    help: 'LLM cost in USD of priced calls, by provider and model',
    labelNames: ['provider', 'model'],
    registers: [registry],
  });

  return {
    registry,
    http: async (ctx, next) => {
      const end = latency.startTimer();
      try {
        await next();
      } finally {
        // The route template, not the path: ids would make every session its own series.
        const labels = {
          method: ctx.method,
          route: String(ctx.state.route ?? 'unmatched'),
          status: String(ctx.status),
        };
        requests.inc(labels);
        end(labels);
      }
    },
    observeEvent(event) {
      if (event.type === 'llm.fallback')
        fallbacks.inc({ from: event.from, to: event.to, reason: event.reason });
      if (event.type !== 'llm.attempt') return;
      const { provider, model } = event;
      // Labels written out: on Node 20 `{ ...model, kind }` costs about a microsecond each.
      llmCalls.inc({ provider, model, purpose: event.purpose, outcome: event.outcome });
      tokens.inc({ provider, model, kind: 'input' }, event.inputTokens);
      tokens.inc({ provider, model, kind: 'output' }, event.outputTokens);
      tokens.inc({ provider, model, kind: 'cache_read' }, event.cacheReadTokens);
      tokens.inc({ provider, model, kind: 'cache_write' }, event.cacheWriteTokens);
      if (event.costUsd !== null) cost.inc({ provider, model }, event.costUsd);
    },
  };
}
