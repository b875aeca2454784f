import type { Options } from 'tsup';

/**
 * Build settings every package shares: ESM with bundled `.d.ts`. Declarations are built
 * without the project-reference settings (`composite`) and without the `@uaip/source`
 * condition, so a package's types import its sibling packages' published types.
 */
export function packageBuild(entry: Record<string, string>, extra: Options = {}): Options {
  return {
    entry,
    format: ['esm'],
    dts: {
      compilerOptions: {
        composite: false,
        incremental: false,
        declarationMap: false,
        emitDeclarationOnly: false,
        customConditions: [],
      },
    },
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...extra,
  };
}
