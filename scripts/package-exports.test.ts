import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every export of every package, found the ways users' tools look for it: `require.resolve`
// (the conditions of `require(esm)` on Node 22.12 and newer, and of bundlers that resolve for
// CommonJS) and `import`. A plain Node process does the resolving (package-exports.fixture.mjs):
// inside Vitest, `@uaip/*` resolves to the sources through the `@uaip/source` condition.
const root = join(import.meta.dirname, '..');
const packages = ['core', 'storage-pg', 'adapter-koa', 'web-component'];
// A browser bundle: it resolves everywhere but only runs where `HTMLElement` exists.
const browserOnly = new Set(['@uaip/web-component/standalone']);
const built = packages.every((name) =>
  existsSync(join(root, 'packages', name, 'dist', 'index.js')),
);
if (!built && process.env.UAIP_REQUIRE_SERVICES === '1') {
  throw new Error('The packages are not built, and UAIP_REQUIRE_SERVICES=1 forbids skipping');
}

interface PackageExport {
  specifier: string;
  /** The file an ESM import got before `default` was added: the `import` target. */
  file: string;
  runsInNode: boolean;
}

function exportsOf(name: string): PackageExport[] {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { import: string }>;
  };
  return Object.entries(manifest.exports).map(([subpath, target]) => {
    const specifier = `${manifest.name}${subpath.slice(1)}`;
    const file = typeof target === 'string' ? target : target.import;
    return {
      specifier,
      file: realpathSync(join(dir, file)),
      runsInNode: file.endsWith('.js') && !browserOnly.has(specifier),
    };
  });
}

interface Resolution {
  required: string | { error: string };
  imported: string | { error: string };
  importNames?: string[] | { error: string };
  requireNames?: string[] | { error: string };
}

describe.skipIf(!built)('the exports of every package (needs a build: run npm run build)', () => {
  const all = built ? packages.flatMap(exportsOf) : [];
  const loaded = all.filter((entry) => entry.runsInNode).map((entry) => entry.specifier);
  const others = all.filter((entry) => !entry.runsInNode).map((entry) => entry.specifier);
  const output = built
    ? execFileSync(
        process.execPath,
        [join(root, 'scripts', 'package-exports.fixture.mjs'), ...others, '--load', ...loaded],
        { cwd: root, encoding: 'utf8' },
      )
    : '{}';
  const results = JSON.parse(output) as Record<string, Resolution>;

  it.each(all)('$specifier resolves to its build with require.resolve and with import', (entry) => {
    const result = results[entry.specifier]!;
    expect(result.required).toBe(entry.file);
    expect(result.imported).toBe(entry.file);
  });

  it.each(all.filter((entry) => entry.runsInNode))(
    '$specifier loads with import() and with require(), with the same exports',
    (entry) => {
      const result = results[entry.specifier]!;
      expect(result.importNames).toEqual(expect.arrayContaining([expect.any(String)]));
      expect(result.requireNames).toEqual(result.importNames);
    },
  );
});
