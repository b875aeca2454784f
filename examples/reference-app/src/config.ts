import { HTTP_SERVER_DEFAULTS } from '@uaip/adapter-koa';
import type { WebhookOptions } from '@uaip/core';
import { CRASH_POINTS, type CrashPoint } from './crash-hook';
import { webhooksOf } from './webhook-config';

/** The reference app's configuration, read from the environment as the HTTP contract's table says. */
export interface AppConfig {
  port: number;
  host: string;
  /** Limits on slow and idle connections, for `createHttpServer`. */
  connections: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
  };
  databaseUrl: string | undefined;
  /** Connections in the app's PostgreSQL pool (`DATABASE_POOL_SIZE`). */
  databasePoolSize: number;
  /** The server cancels a statement running longer (`DATABASE_STATEMENT_TIMEOUT_MS`). */
  databaseStatementTimeoutMs: number;
  dataDir: string;
  jwtSecret: string | undefined;
  jwtTtlSeconds: number;
  bcryptCost: number;
  /** How long a user's token version is trusted between reads (`REVOCATION_CACHE_MS`). */
  revocationCacheMs: number;
  llmTimeoutMs: number;
  /** How long an answer holds its question while the model works (`TURN_LEASE_MS`). */
  turnLeaseMs: number;
  budgets: { sessionUsd?: number; userDayUsd?: number };
  rateLimits: {
    userPerHour: number;
    llmPerHour: number;
    /** Session imports per user per hour (`RATE_LIMIT_IMPORT_PER_HOUR`). */
    importsPerHour: number;
    globalPerHour: number;
    anonymousPerAddressPerHour: number;
    registrationsPerAddressPerHour: number;
    loginPer15Min: number;
  };
  redisUrl: string | undefined;
  corsOrigins: string[];
  trustProxy: boolean;
  metricsToken: string | undefined;
  logLevel: string;
  production: boolean;
  /**
   * OpenTelemetry traces, exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; the exporter reads its other `OTEL_EXPORTER_OTLP_*`
   * variables itself. Off with `OTEL_SDK_DISABLED=true`.
   */
  tracing: { serviceName: string } | undefined;
  /** Webhooks to one endpoint (`WEBHOOK_URL`, `WEBHOOK_SECRET`, ...); see webhook-config.ts. */
  webhooks: WebhookOptions | undefined;
  /** TEST-ONLY (`UAIP_CRASH_AT`): where the crash tests make the app kill itself; see crash-hook.ts. */
  crashAt: CrashPoint | undefined;
}

/** A configuration value the app cannot start with; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Parses the environment; every variable has a safe default for local use. */
export function readConfig(env: Env): AppConfig {
  const number = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
    }
    return value;
  };
  const dollars = (name: string) => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new ConfigError(`${name} must be a positive amount in USD, not "${raw}"`);
    return value;
  };
  const flag = (name: string) => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return false;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    throw new ConfigError(`${name} must be true or false, not "${raw}"`);
  };
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL');
  }
  const crashAt = env.UAIP_CRASH_AT?.trim() || undefined;
  if (crashAt !== undefined) {
    if (!(CRASH_POINTS as readonly string[]).includes(crashAt)) {
      throw new ConfigError(
        `UAIP_CRASH_AT must be one of ${CRASH_POINTS.join(', ')}, not "${crashAt}"`,
      );
    }
    if (env.NODE_ENV === 'production') {
      throw new ConfigError('UAIP_CRASH_AT is a test hook and is refused when NODE_ENV=production');
    }
  }
  const headersTimeoutMs = number(
    'HEADERS_TIMEOUT_MS',
    HTTP_SERVER_DEFAULTS.headersTimeoutMs,
    1_000,
  );
  const requestTimeoutMs = number(
    'REQUEST_TIMEOUT_MS',
    HTTP_SERVER_DEFAULTS.requestTimeoutMs,
    1_000,
  );
  if (headersTimeoutMs > requestTimeoutMs) {
    // The request timeout counts from the same first byte and includes the headers.
    throw new ConfigError(
      `HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not be more than REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  const sessionUsd = dollars('BUDGET_SESSION_USD');
  const tracing = tracingOf(env, flag('OTEL_SDK_DISABLED'));
  const userDayUsd = dollars('BUDGET_USER_DAY_USD');
  return {
    port: number('PORT', 3000, 0, 65_535),
    host: env.HOST?.trim() || '127.0.0.1',
    connections: {
      headersTimeoutMs,
      requestTimeoutMs,
      keepAliveTimeoutMs: number(
        'KEEP_ALIVE_TIMEOUT_MS',
        HTTP_SERVER_DEFAULTS.keepAliveTimeoutMs,
        1,
      ),
      maxConnections: number('MAX_CONNECTIONS', HTTP_SERVER_DEFAULTS.maxConnections, 1),
    },
    databaseUrl,
    databasePoolSize: number('DATABASE_POOL_SIZE', 10, 1, 1000),
    databaseStatementTimeoutMs: number('DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 1_000),
    dataDir: env.DATA_DIR?.trim() || './.data',
    jwtSecret: env.JWT_SECRET || undefined,
    jwtTtlSeconds: number('JWT_TTL_SECONDS', 86_400, 60),
    bcryptCost: number('BCRYPT_COST', 12, 10, 15),
    revocationCacheMs: number('REVOCATION_CACHE_MS', 2000, 0, 60_000),
    llmTimeoutMs: number('LLM_TIMEOUT_MS', 60_000, 1_000),
    turnLeaseMs: number('TURN_LEASE_MS', 10_000, 1_000),
    budgets: { ...(sessionUsd ? { sessionUsd } : {}), ...(userDayUsd ? { userDayUsd } : {}) },
    rateLimits: {
      userPerHour: number('RATE_LIMIT_USER_PER_HOUR', 1000, 1),
      llmPerHour: number('RATE_LIMIT_LLM_PER_HOUR', 100, 1),
      importsPerHour: number('RATE_LIMIT_IMPORT_PER_HOUR', 20, 1),
      globalPerHour: number('RATE_LIMIT_GLOBAL_PER_HOUR', 10_000, 1),
      anonymousPerAddressPerHour: number('RATE_LIMIT_ANONYMOUS_PER_HOUR', 1000, 1),
      registrationsPerAddressPerHour: number('RATE_LIMIT_REGISTER_PER_HOUR', 10, 1),
      loginPer15Min: number('RATE_LIMIT_LOGIN_PER_15MIN', 10, 1),
    },
    redisUrl: env.REDIS_URL?.trim() || undefined,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: flag('TRUST_PROXY'),
    metricsToken: env.METRICS_TOKEN || undefined,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    production: env.NODE_ENV === 'production',
    crashAt: crashAt as CrashPoint | undefined,
    tracing,
    webhooks: webhooksOf(env, (message) => new ConfigError(message)),
  };
}

/** Tracing is on once an OTLP endpoint is set; a malformed one stops the start, not the spans. */
function tracingOf(env: Env, disabled: boolean): AppConfig['tracing'] {
  const endpoints = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
  const set = endpoints.filter((name) => env[name]?.trim());
  if (disabled || set.length === 0) return undefined;
  for (const name of set) {
    const raw = env[name]!.trim();
    if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
      // Not quoted back: an endpoint URL may carry credentials, and this reaches the logs.
      throw new ConfigError(`${name} must be an http:// or https:// URL`);
    }
  }
  return { serviceName: env.OTEL_SERVICE_NAME?.trim() || 'uaip' };
}
