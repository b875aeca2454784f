// What `npm start` builds before it runs the reference server: the JavaScript of each workspace
// whose build is missing or older than its inputs, and nothing else. Rebuilding everything with
// type declarations took 100 s on every start; a start with nothing stale now costs a few file
// stats. Type declarations are left to `npm run build` (publishing, publint, the pack test):
// running the server never reads them, and they are most of the build time.
//
// "Stale" is make's rule on modification times: a workspace is rebuilt when a file it is built
// from (anything in its folder but dist/ and node_modules/, the shared build settings, the
// lockfiles) is newer than the oldest file in its dist/, or when a file its package.json points
// at (exports, bin) is missing. `npm ci` rewrites node_modules/.package-lock.json, so the first
// start after an install rebuilds everything once (dependencies can change what is bundled).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const sharedInputs = [
  'tsup.shared.ts',
  'tsconfig.base.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
].map((file) => join(root, file));
const notInputs = new Set(['dist', 'node_modules', '.tsbuild']);

/** The workspace folders of the root package.json, in its order, that have a build script. */
function workspaces() {
  const { workspaces: patterns } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return patterns
    .flatMap((pattern) =>
      pattern.endsWith('/*')
        ? readdirSync(join(root, pattern.slice(0, -2)))
            .map((name) => join(root, pattern.slice(0, -2), name))
            .sort()
        : [join(root, pattern)],
    )
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .filter((dir) => readManifest(dir).scripts?.build);
}

function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** Every file under `dir`, build outputs and caches excepted. */
function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (notInputs.has(entry.name) || entry.name.endsWith('.tsbuildinfo')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/** The dist/ files package.json promises to JavaScript users: export targets and bins. */
function promisedOutputs(dir) {
  const manifest = readManifest(dir);
  const targets = [];
  const collect = (value, condition) => {
    if (typeof value === 'string') {
      if (condition !== 'types' && condition !== '@uaip/source') targets.push(value);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) collect(inner, key);
    }
  };
  collect(manifest.exports, '');
  collect(manifest.bin, '');
  return targets
    .filter((target) => target.startsWith('./dist/'))
    .map((target) => join(dir, target));
}

/** Why `dir` needs a build, or null when its dist/ is newer than all its inputs. */
function staleness(dir) {
  const dist = join(dir, 'dist');
  const outputs = existsSync(dist) ? [...filesUnder(dist)] : [];
  if (outputs.length === 0) return 'not built yet';
  const missing = promisedOutputs(dir).find((file) => !existsSync(file));
  if (missing) return `${relative(dir, missing)} is missing`;
  const builtAt = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  for (const file of [...filesUnder(dir), ...sharedInputs]) {
    if (existsSync(file) && statSync(file).mtimeMs > builtAt) {
      return `${relative(root, file)} changed since the last build`;
    }
  }
  return null;
}

for (const dir of workspaces()) {
  const reason = staleness(dir);
  if (reason === null) continue;
  const name = readManifest(dir).name;
  console.log(`building ${name} without type declarations: ${reason}`);
  const build = spawnSync('npm', ['run', 'build', '--silent', `--workspace=${name}`], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, UAIP_SKIP_TYPES: '1' },
  });
  if (build.status !== 0) {
    console.error(`the build of ${name} failed`);
    process.exit(build.status ?? 1);
  }
}
