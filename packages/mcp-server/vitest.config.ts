import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  // Whole conversations, child processes and the conformance suite: more than the default 5 s.
  test: { name: 'mcp-server', environment: 'node', testTimeout: 60_000 },
});
