import { defaultClientConditions, defaultServerConditions } from 'vite';
import type { ViteUserConfig } from 'vitest/config';

/**
 * Resolve `@uaip/*` workspace packages to their TypeScript sources (the `@uaip/source`
 * export condition), so tests never depend on a previous build.
 */
export const sourceConditions = {
  resolve: { conditions: ['@uaip/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@uaip/source', ...defaultServerConditions] } },
} satisfies ViteUserConfig;
