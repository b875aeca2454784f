import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

export default defineConfig(
  packageBuild({
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    uaip: 'src/uaip/index.ts',
    // The `uaip` command (uaip replay); its shebang comes from src/bin.ts.
    bin: 'src/bin.ts',
  }),
);
