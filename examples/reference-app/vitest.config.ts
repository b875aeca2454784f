import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  test: { name: 'reference-app', environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 },
});
