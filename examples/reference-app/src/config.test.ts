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
