import { it } from 'vitest';

// Only collected when Chromium is missing: says why the component tests did not run.
it.skip('web component tests (needs Chromium: apt-get install chromium, or set CHROMIUM_PATH)', () => {});
