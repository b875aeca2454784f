import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';

describe('readConfig: the database pool, the turn lease and the test-only crash hook', () => {
  it('defaults: a pool of 10, 30 s statements, a 10 s turn lease, no crash hook', () => {
    const config = readConfig({});
    expect(config.databasePoolSize).toBe(10);
    expect(config.databaseStatementTimeoutMs).toBe(30_000);
    expect(config.turnLeaseMs).toBe(10_000);
    expect(config.crashAt).toBeUndefined();
  });

  it('reads DATABASE_POOL_SIZE, DATABASE_STATEMENT_TIMEOUT_MS, TURN_LEASE_MS and UAIP_CRASH_AT', () => {
    const config = readConfig({
      DATABASE_POOL_SIZE: '3',
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      TURN_LEASE_MS: '4000',
      UAIP_CRASH_AT: 'during-llm',
    });
    expect(config).toMatchObject({
      databasePoolSize: 3,
      databaseStatementTimeoutMs: 2_000,
      turnLeaseMs: 4_000,
      crashAt: 'during-llm',
    });
  });

  it('refuses values it cannot use, naming the variable', () => {
    expect(() => readConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => readConfig({ TURN_LEASE_MS: '10' })).toThrow(/TURN_LEASE_MS/);
    expect(() => readConfig({ DATABASE_STATEMENT_TIMEOUT_MS: 'soon' })).toThrow(
      /DATABASE_STATEMENT_TIMEOUT_MS/,
    );
    expect(() => readConfig({ UAIP_CRASH_AT: 'sometimes' })).toThrow(
      /UAIP_CRASH_AT must be one of before-llm, during-llm, after-commit/,
    );
  });

  it('refuses the crash hook in production', () => {
    expect(() =>
      readConfig({
        UAIP_CRASH_AT: 'after-commit',
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(40),
      }),
    ).toThrow(ConfigError);
  });
});

describe('readConfig: the connection limits', () => {
  it('defaults to the limits of the adapter: 10 s for headers, 30 s for a request, 5 s idle, 1000 connections', () => {
    expect(readConfig({}).connections).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1000,
    });
  });

  it('reads HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS and MAX_CONNECTIONS', () => {
    const config = readConfig({
      HEADERS_TIMEOUT_MS: '2000',
      REQUEST_TIMEOUT_MS: '4000',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
      MAX_CONNECTIONS: '50',
    });
    expect(config.connections).toEqual({
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 4_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 50,
    });
  });

  it('refuses limits it cannot use, naming the variable', () => {
    expect(() => readConfig({ HEADERS_TIMEOUT_MS: '10' })).toThrow(/HEADERS_TIMEOUT_MS/);
    expect(() => readConfig({ MAX_CONNECTIONS: '0' })).toThrow(/MAX_CONNECTIONS/);
    expect(() => readConfig({ KEEP_ALIVE_TIMEOUT_MS: 'forever' })).toThrow(/KEEP_ALIVE_TIMEOUT_MS/);
    // The request timeout includes the headers: a shorter one would make the header one moot.
    expect(() => readConfig({ HEADERS_TIMEOUT_MS: '40000' })).toThrow(
      /HEADERS_TIMEOUT_MS \(40000\) must not be more than REQUEST_TIMEOUT_MS \(30000\)/,
    );
  });
});

describe('readConfig: OpenTelemetry traces', () => {
  it('are off without an OTLP endpoint, and on with one, as the service "uaip" unless named', () => {
    expect(readConfig({}).tracing).toBeUndefined();
    expect(readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toEqual({
      serviceName: 'uaip',
    });
    expect(
      readConfig({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/v1/traces',
        OTEL_SERVICE_NAME: 'charters',
      }).tracing,
    ).toEqual({ serviceName: 'charters' });
  });

  it('stay off with OTEL_SDK_DISABLED=true, and refuse an endpoint that is no http(s) URL', () => {
    expect(
      readConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_SDK_DISABLED: 'true',
      }).tracing,
    ).toBeUndefined();
    expect(() => readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL/,
    );
  });
});

describe('readConfig: the import limit', () => {
  it('defaults to 20 imports a user an hour, reads RATE_LIMIT_IMPORT_PER_HOUR, refuses 0', () => {
    expect(readConfig({}).rateLimits.importsPerHour).toBe(20);
    expect(readConfig({ RATE_LIMIT_IMPORT_PER_HOUR: '5' }).rateLimits.importsPerHour).toBe(5);
    expect(() => readConfig({ RATE_LIMIT_IMPORT_PER_HOUR: '0' })).toThrow(
      /RATE_LIMIT_IMPORT_PER_HOUR/,
    );
  });
});
