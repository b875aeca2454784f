import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// Browsers load this package: target what evergreen browsers run.
export default defineConfig(packageBuild({ index: 'src/index.ts' }, { target: 'es2022' }));
