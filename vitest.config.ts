import { defineConfig } from 'vitest/config';

// One run over every workspace project. `.ci/run` adds a JSON reporter through the CLI to
// count the results; `npm test` is the same command everywhere.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts'],
  },
});
