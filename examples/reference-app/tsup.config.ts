import { defineConfig } from 'tsup';

// The app is run, not imported: one ESM entry, dependencies left to node_modules.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node22',
});
