import { defineConfig } from 'vitest/config';

// One run over every workspace project. `.ci/run` adds a JSON reporter and coverage through the
// CLI; `npm test` is the same command everywhere.
const measured = ['packages/core/src', 'packages/storage-pg/src', 'packages/adapter-koa/src'];

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'examples/*/vitest.config.ts',
      {
        test: {
          name: 'release',
          environment: 'node',
          include: ['scripts/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: measured.map((dir) => `${dir}/**/*.ts`),
      // Only tests and test helpers are left out (the test kit under core/src/testing ships to
      // users, so it is measured).
      exclude: [
        '**/*.test.ts',
        '**/*.test-support.ts',
        'packages/storage-pg/src/fixtures/**',
        'packages/storage-pg/src/test-*.ts',
        'packages/storage-pg/src/tcp-proxy.ts',
      ],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: '.ci-reports/coverage',
      thresholds: Object.fromEntries(measured.map((dir) => [`${dir}/**/*.ts`, { lines: 80 }])),
    },
  },
});
