import { afterEach, expect, it, vi } from 'vitest';
import { testDatabaseUrl } from './test-services';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

it('says in the run output why the tests that need PostgreSQL are skipped, and only then', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.stubEnv('UAIP_REQUIRE_SERVICES', '');
  vi.stubEnv('TEST_DATABASE_URL', '');
  expect(testDatabaseUrl()).toBeFalsy();
  expect(warn).toHaveBeenCalledWith(
    'Skipped: the tests of this file that need PostgreSQL (set TEST_DATABASE_URL to run them).',
  );
  warn.mockClear();
  vi.stubEnv('TEST_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/test');
  expect(testDatabaseUrl()).toBe('postgres://postgres@127.0.0.1:5432/test');
  expect(warn).not.toHaveBeenCalled();
});
