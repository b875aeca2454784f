// Run by package-exports.test.ts in a plain Node process, whose resolution is what users get:
// for each specifier on the command line, where `require.resolve` and `import.meta.resolve`
// find it and, for those after `--load`, the export names `import()` and `require()` give.
// Prints one JSON object; a failure is recorded as its error code or message.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const separator = process.argv.indexOf('--load');
const specifiers = process.argv.slice(2, separator === -1 ? undefined : separator);
const loaded = separator === -1 ? [] : process.argv.slice(separator + 1);

const attempt = async (work) => {
  try {
    return await work();
  } catch (error) {
    return { error: error.code ?? error.message };
  }
};
const names = (module) => Object.keys(module).sort();

const results = {};
for (const specifier of [...specifiers, ...loaded]) {
  results[specifier] = {
    required: await attempt(() => require.resolve(specifier)),
    imported: await attempt(() => fileURLToPath(import.meta.resolve(specifier))),
  };
}
for (const specifier of loaded) {
  results[specifier].importNames = await attempt(async () => names(await import(specifier)));
  results[specifier].requireNames = await attempt(() => names(require(specifier)));
}
process.stdout.write(JSON.stringify(results));
