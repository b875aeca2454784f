import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What `npm publish` would ship for each package: the built files, their types, the README and
// what the package needs at run time (storage-pg's migrations); never tests or sources.
const root = join(import.meta.dirname, '..');
const packages = ['core', 'storage-pg', 'adapter-koa', 'web-component'];
// `npm start` builds the code alone; only `npm run build` adds the declarations that ship.
const built = packages.every((name) =>
  ['index.js', 'index.d.ts'].every((file) =>
    existsSync(join(root, 'packages', name, 'dist', file)),
  ),
);
if (!built && process.env.UAIP_REQUIRE_SERVICES === '1') {
  throw new Error('The packages are not built, and UAIP_REQUIRE_SERVICES=1 forbids skipping');
}
// Said in the run's output under this file's name: a skip must never pass unnoticed.
if (!built) console.warn('Skipped: npm pack of every package (run npm run build first).');

function packedFiles(name: string): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: join(root, 'packages', name),
    encoding: 'utf8',
  });
  const [result] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
  return result!.files.map((file) => file.path).sort();
}

describe.skipIf(!built)('npm pack of every package (needs a build: run npm run build)', () => {
  it.each(packages)(
    '@uaip/%s ships its build, types and README, and no tests or sources',
    (name) => {
      const files = packedFiles(name);
      expect(files).toContain('package.json');
      expect(files).toContain('README.md');
      expect(files).toContain('dist/index.js');
      expect(files).toContain('dist/index.d.ts');
      expect(files.filter((file) => /\.test\.|test-support|\/src\/|^src\//.test(file))).toEqual([]);
      if (name === 'core')
        expect(files).toEqual(
          expect.arrayContaining([
            'dist/testing.js',
            'dist/testing.d.ts',
            'dist/uaip.js',
            'dist/uaip.d.ts',
          ]),
        );
      if (name === 'storage-pg')
        expect(files.some((file) => file.startsWith('migrations/') && file.endsWith('.sql'))).toBe(
          true,
        );
      if (name === 'web-component') expect(files).toContain('dist/uaip-web-component.js');
    },
  );
});
