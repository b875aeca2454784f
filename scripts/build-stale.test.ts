import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// build-stale.mjs (what `npm start` builds) on a made-up workspace of two packages whose build
// records itself in builds.log. Modification times are set explicitly, never read off a clock.

let root: string;

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function addPackage(name: string): void {
  const dir = join(root, 'packages', name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'index.ts'), 'export const answer = 42;\n');
  writeJson(join(dir, 'package.json'), {
    name,
    version: '0.0.0',
    type: 'module',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    bin: { [name]: './dist/cli.js' },
    scripts: { build: 'node build.mjs' },
  });
  // Records which package was built and whether declarations were asked for.
  writeFileSync(
    join(dir, 'build.mjs'),
    [
      "import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';",
      "mkdirSync('dist', { recursive: true });",
      "for (const file of ['index.js', 'cli.js']) writeFileSync('dist/' + file, '');",
      `appendFileSync('../../builds.log', '${name} ' + (process.env.UAIP_SKIP_TYPES ?? '') + '\\n');`,
    ].join('\n'),
  );
}

/** Runs the script; the packages it built, in order, with the types setting they saw. */
function buildStale(): string[] {
  rmSync(join(root, 'builds.log'), { force: true });
  execFileSync(process.execPath, [join(root, 'scripts', 'build-stale.mjs')], {
    cwd: root,
    stdio: 'pipe',
  });
  try {
    return readFileSync(join(root, 'builds.log'), 'utf8').trim().split('\n');
  } catch {
    return [];
  }
}

/** Sets a file's modification time `seconds` after the newest file of `dist`'s package. */
function touchAfterBuild(file: string, dist: string, seconds = 10): void {
  const builtAt = Math.max(
    ...['index.js', 'cli.js'].map((name) => statSync(join(root, dist, name)).mtimeMs),
  );
  const time = new Date(builtAt + seconds * 1000);
  utimesSync(join(root, file), time, time);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'uaip-build-stale-'));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(
    join(import.meta.dirname, 'build-stale.mjs'),
    join(root, 'scripts', 'build-stale.mjs'),
  );
  writeJson(join(root, 'package.json'), {
    name: 'fixture',
    private: true,
    workspaces: ['packages/*'],
  });
  addPackage('alpha');
  addPackage('beta');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('build-stale (what npm start builds)', () => {
  it('builds every package once, without declarations, and nothing when nothing changed', () => {
    expect(buildStale()).toEqual(['alpha 1', 'beta 1']);
    expect(buildStale()).toEqual([]);
  });

  it('rebuilds only the package whose sources changed since its build', () => {
    buildStale();
    touchAfterBuild('packages/beta/src/index.ts', 'packages/beta/dist');
    expect(buildStale()).toEqual(['beta 1']);
  });

  it('rebuilds a package whose promised output (an export or a bin) is missing', () => {
    buildStale();
    rmSync(join(root, 'packages/alpha/dist/cli.js'));
    expect(buildStale()).toEqual(['alpha 1']);
  });

  it('rebuilds everything after an install (npm rewrites node_modules/.package-lock.json)', () => {
    buildStale();
    mkdirSync(join(root, 'node_modules'));
    writeFileSync(join(root, 'node_modules/.package-lock.json'), '{}\n');
    touchAfterBuild('node_modules/.package-lock.json', 'packages/beta/dist');
    expect(buildStale()).toEqual(['alpha 1', 'beta 1']);
  });

  it('fails, and builds nothing after it, when a build fails', () => {
    writeFileSync(join(root, 'packages/alpha/build.mjs'), 'process.exit(3);\n');
    expect(buildStale).toThrow(/the build of alpha failed/);
    expect(() => readFileSync(join(root, 'builds.log'))).toThrow();
  });
});
