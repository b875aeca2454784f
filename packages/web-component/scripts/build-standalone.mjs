// Builds dist/uaip-web-component.js: a minified ES module with Lit inside, for a plain
// <script type="module">, and beside it the chunks it imports (the review UI is imported only
// when a session has, or can have, a committee review). Also measures the component code alone
// (Lit left out), min+gzip: what the first load fetches (the entry and the chunks it imports
// statically), which must stay within the 25 KB budget of shared/specs/quality-bars.md, and
// each chunk imported later on demand, reported beside it.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 25 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
/** The chunks' names: `uaip-<name>-<hash>.js`, served beside the entry. */
export const CHUNK_NAME = /^uaip-[a-z-]+-[A-Z0-9]{8}\.js$/;

// esbuild comes with tsup; resolve it the way tsup does, whatever the hoisting.
const require = createRequire(import.meta.url);
const { build } = createRequire(require.resolve('tsup'))('esbuild');

const common = {
  entryPoints: { 'uaip-web-component': join(root, 'src/index.ts') },
  bundle: true,
  splitting: true,
  chunkNames: 'uaip-[name]-[hash]',
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  legalComments: 'none',
  write: false,
  metafile: true,
  logLevel: 'warning',
};

const standalone = await build({ ...common, outdir: dist });
const withoutLit = await build({
  ...common,
  outdir: join(root, 'dist/measure'),
  external: ['lit', 'lit/*', 'lit-html', 'lit-html/*', 'lit-element', 'lit-element/*', '@lit/*'],
});

// The chunks of an earlier build go: their hashes differ.
await mkdir(dist, { recursive: true });
for (const name of await readdir(dist)) if (CHUNK_NAME.test(name)) await rm(join(dist, name));
for (const file of standalone.outputFiles) await writeFile(file.path, file.contents);

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

/**
 * The files of a build: the first load (the entry and what it imports statically, each
 * fetched and gzipped on its own) and each chunk imported on demand, with the files only it
 * brings.
 */
function loads(result) {
  const outputs = result.metafile.outputs;
  const contents = new Map(result.outputFiles.map((file) => [basename(file.path), file.contents]));
  const key = (path) => Object.keys(outputs).find((candidate) => candidate.endsWith(path));
  const closure = (path, seen = new Set()) => {
    if (seen.has(path)) return seen;
    seen.add(path);
    for (const item of outputs[path].imports)
      if (item.kind === 'import-statement' && !item.external) closure(item.path, seen);
    return seen;
  };
  const size = (paths) => {
    const files = [...paths].map((path) => contents.get(basename(path)));
    return {
      min: files.reduce((sum, file) => sum + file.length, 0),
      gzip: files.reduce((sum, file) => sum + gzip(file), 0),
    };
  };
  const first = closure(key('uaip-web-component.js'));
  const lazy = [...first].flatMap((path) =>
    outputs[path].imports
      .filter((item) => item.kind === 'dynamic-import' && !item.external)
      .map((item) => {
        const only = [...closure(item.path)].filter((path) => !first.has(path));
        return { name: basename(item.path).replace(/-[A-Z0-9]{8}\.js$/, ''), ...size(only) };
      }),
  );
  return { first: size(first), lazy };
}

const all = loads(standalone);
const own = loads(withoutLit);
const line = (text) => process.stdout.write(`${text}\n`);
line(
  `dist/uaip-web-component.js (Lit inside), first load: ${kb(all.first.min)} min, ${kb(all.first.gzip)} min+gzip`,
);
line(
  `component code without Lit, first load: ${kb(own.first.min)} min, ${kb(own.first.gzip)} min+gzip (budget ${kb(BUDGET_BYTES)})`,
);
for (const chunk of own.lazy)
  line(`  + on demand, ${chunk.name}: ${kb(chunk.min)} min, ${kb(chunk.gzip)} min+gzip`);
if (own.first.gzip > BUDGET_BYTES) {
  console.error(
    `Over budget by ${kb(own.first.gzip - BUDGET_BYTES)}: the component's first load without Lit must stay ≤ 25 KB min+gzip`,
  );
  process.exit(1);
}
