import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

// Component tests run in real Chromium (Debian's, never a downloaded build). Without it they
// are reported as skipped with the reason, except under UAIP_REQUIRE_SERVICES=1 (.ci/run).
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(executablePath);
if (!hasChromium && process.env.UAIP_REQUIRE_SERVICES === '1') {
  throw new Error(
    `Chromium not found at ${executablePath}; UAIP_REQUIRE_SERVICES=1 forbids skipping`,
  );
}
// Said at the start of the run: a skip must never pass unnoticed.
if (!hasChromium) {
  console.warn(
    `Skipped: the web component tests, which need Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH).`,
  );
}

export default defineProject({
  ...sourceConditions,
  // Pre-bundled up front: discovering Lit mid-run makes Vite reload the page under a test.
  optimizeDeps: { include: ['lit'] },
  test: {
    name: 'web-component',
    include: hasChromium ? ['src/**/*.test.ts'] : ['test/no-chromium.test.ts'],
    setupFiles: hasChromium ? ['test/quiet-lit.setup.ts'] : [],
    browser: {
      enabled: hasChromium,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--no-first-run',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
