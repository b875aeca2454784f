import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// migrate-cli is the `uaip-storage-pg-migrate` bin; the SQL files ship beside dist/ in
// migrations/ (package.json `files`) and are read from there at run time.
export default defineConfig(
  packageBuild({ index: 'src/index.ts', 'migrate-cli': 'src/migrate-cli.ts' }),
);
