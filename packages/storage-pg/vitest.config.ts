import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  // Starting PGlite takes seconds (more when several files start one at once on two cores),
  // and the fault tests wait out connection timeouts on purpose.
  test: { name: 'storage-pg', environment: 'node', hookTimeout: 60_000, testTimeout: 30_000 },
});
