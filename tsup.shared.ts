import type { Options } from 'tsup';

/**
 * Declarations are built without the project-reference settings (`composite`) and without the
 * `@uaip/source` condition, so a package's types import its sibling packages' published types.
 */
const declarations = {
  compilerOptions: {
    composite: false,
    incremental: false,
    declarationMap: false,
    emitDeclarationOnly: false,
    customConditions: [],
  },
};

/**
 * Build settings every package shares: ESM with bundled `.d.ts`. `UAIP_SKIP_TYPES=1` leaves
 * the declarations out: `npm start` (scripts/build-stale.mjs) only runs the code, and the
 * declarations are nine tenths of the build time.
 */
export function packageBuild(entry: Record<string, string>, extra: Options = {}): Options {
  return {
    entry,
    format: ['esm'],
    dts: process.env.UAIP_SKIP_TYPES === '1' ? false : declarations,
    sourcemap: true,
    clean: true,
    target: 'node22',
    ...extra,
  };
}
