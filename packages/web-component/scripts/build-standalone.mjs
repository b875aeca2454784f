// Builds dist/uaip-web-component.js: one minified ES module with Lit inside, for a plain
// <script type="module">. Also measures the component code alone (Lit left out), min+gzip,
// and fails when it is over the 25 KB budget of shared/specs/quality-bars.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 25 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist/uaip-web-component.js');

// esbuild comes with tsup; resolve it the way tsup does, whatever the hoisting.
const require = createRequire(import.meta.url);
const { build } = createRequire(require.resolve('tsup'))('esbuild');

const common = {
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  legalComments: 'none',
  write: false,
  logLevel: 'warning',
};

const standalone = await build({ ...common, outfile });
const withoutLit = await build({
  ...common,
  outfile: join(root, 'dist/measure.js'),
  external: ['lit', 'lit/*', 'lit-html', 'lit-html/*', 'lit-element', 'lit-element/*', '@lit/*'],
});

const bundle = standalone.outputFiles[0].contents;
await mkdir(dirname(outfile), { recursive: true });
await writeFile(outfile, bundle);

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const own = withoutLit.outputFiles[0].contents;
const ownGzip = gzip(own);
process.stdout.write(
  `dist/uaip-web-component.js (Lit inside): ${kb(bundle.length)} min, ${kb(gzip(bundle))} min+gzip\n`,
);
process.stdout.write(
  `component code without Lit: ${kb(own.length)} min, ${kb(ownGzip)} min+gzip (budget ${kb(BUDGET_BYTES)})\n`,
);
if (ownGzip > BUDGET_BYTES) {
  console.error(
    `Over budget by ${kb(ownGzip - BUDGET_BYTES)}: the component without Lit must stay ≤ 25 KB min+gzip`,
  );
  process.exit(1);
}
