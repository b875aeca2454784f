import { createHash, timingSafeEqual } from 'node:crypto';
import cors from '@koa/cors';
import type { Tracer } from '@opentelemetry/api';
import { UaipError } from '@uaip/core';
import Koa, { type Context, type Middleware } from 'koa';
import { createUaipRouter, type UaipRouter, type UaipRouterOptions } from './create-router';
import { errorMiddleware } from './error-middleware';
import { createHealthCheck, type HealthOptions } from './health';
import { createLogger, type HttpLogger, requestLog } from './logging';
import type { Metrics } from './metrics';
import { openApiDocument } from './open-api-document';
import { requestId } from './request-id';
import { securityHeaders } from './security-headers';
import { requestSpans } from './tracing';

/** Options of {@link createKoaApp}: the router's, plus the operational parts. */
export interface KoaAppOptions extends UaipRouterOptions {
  /** pino logger (or compatible); one JSON line per request. @default a pino logger at info */
  logger?: HttpLogger;
  /** `/health`; omitted → no health route. */
  health?: HealthOptions;
  /** `/metrics` (create with `createMetrics()`); omitted → no metrics route. */
  metrics?: Metrics;
  /** When set, `/metrics` needs `Authorization: Bearer <it>`. */
  metricsToken?: string;
  /** Origins allowed to call the API from a browser. @default none (same origin only) */
  corsOrigins?: string[];
  /** Honour `X-Forwarded-*` (only behind a proxy you trust). @default false */
  trustProxy?: boolean;
  /** More routes (e.g. the demo page), tried after the API and before the 404. */
  pages?: Middleware;
  /** Title and version in `/openapi.json`. */
  apiInfo?: { title?: string; version?: string };
  /**
   * An OpenTelemetry tracer (from the host's SDK; `@opentelemetry/api` is an optional peer):
   * a SERVER span per request, `{method} {route}`, the parent of the orchestrator's turn spans.
   * Give the orchestrator the same tracer (`tracing`). @default no spans
   */
  tracer?: Tracer;
}

/** A Koa app serving the API with request ids, logs, security headers, CORS, health, metrics, OpenAPI. */
export interface KoaApp {
  app: Koa;
  router: UaipRouter;
}

/**
 * The reference server's Koa app: the router under `/api/v1` plus everything an operator needs.
 *
 * @example
 * ```ts
 * const { app } = createKoaApp({ orchestrator, accounts, health: { storage: storage.ping, llm: providers } });
 * // Not app.listen(): createHttpServer adds limits on slow and idle connections.
 * createHttpServer(app).listen(3000);
 * ```
 */
export function createKoaApp(options: KoaAppOptions): KoaApp {
  const logger = options.logger ?? createLogger();
  const router = createUaipRouter({ ...options, logger });
  // Behind a proxy, trust only the address it saw (the last X-Forwarded-For entry), so clients
  // cannot pick their own IP by sending the header themselves.
  const app = new Koa({ proxy: options.trustProxy ?? false, maxIpsCount: 1 });
  const health = options.health ? createHealthCheck(options.health) : undefined;
  const openapi = openApiDocument(router.routes, {
    ...options.apiInfo,
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
  });

  if (options.tracer) app.use(requestSpans(options.tracer));
  app.use(requestId());
  app.use(securityHeaders());
  app.use(requestLog(logger));
  if (options.metrics) app.use(options.metrics.http);
  if (options.corsOrigins && options.corsOrigins.length > 0) app.use(corsFor(options.corsOrigins));
  app.use(errorMiddleware(logger));
  app.use(router.middleware());
  app.use(async (ctx, next) => {
    if (ctx.path === '/health' && health) {
      ctx.state.route = 'GET /health';
      allowOnly(ctx, 'GET');
      const { httpStatus, report } = await health();
      ctx.status = httpStatus;
      ctx.body = report;
      if (httpStatus === 503) ctx.set('Retry-After', '1');
      return;
    }
    if (ctx.path === '/metrics' && options.metrics) {
      ctx.state.route = 'GET /metrics';
      allowOnly(ctx, 'GET');
      if (
        options.metricsToken &&
        !sameSecret(ctx.get('authorization'), `Bearer ${options.metricsToken}`)
      ) {
        throw new UaipError('unauthorized', 'A valid metrics token is required');
      }
      ctx.type = options.metrics.registry.contentType;
      ctx.body = await options.metrics.registry.metrics();
      return;
    }
    if (ctx.path === '/openapi.json') {
      ctx.state.route = 'GET /openapi.json';
      allowOnly(ctx, 'GET');
      ctx.body = openapi;
      return;
    }
    await next();
  });
  if (options.pages) app.use(options.pages);
  app.use(async (ctx) => {
    if (ctx.body === undefined && ctx.status === 404)
      throw new UaipError('not_found', 'No such route');
  });
  // Errors outside any request go to the log, never to stderr raw. A client that hung up
  // mid-response (an event stream closed, a reset) is routine, not a server error.
  app.on('error', (error: Error & { code?: string }) => {
    if (!CLIENT_GONE.has(error.code ?? '')) logger.warn({ err: error }, 'server error');
  });
  return { app, router };
}

const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function allowOnly(ctx: Context, method: string) {
  if (ctx.method !== method && !(method === 'GET' && ctx.method === 'HEAD')) {
    ctx.set('Allow', method);
    throw new UaipError('method_not_allowed', 'This path does not serve this method');
  }
}

/** Compares in constant time (digests first, so the lengths cannot leak either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function corsFor(origins: string[]): Middleware {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('origin');
      return allowed.has(origin) ? origin : '';
    },
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposeHeaders: ['Retry-After', 'RateLimit', 'RateLimit-Policy', 'X-Request-Id'],
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });
}
