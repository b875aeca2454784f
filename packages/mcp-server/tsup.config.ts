import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// Two entries: the library, and the `uaip-mcp` command (its shebang comes from src/bin.ts).
export default defineConfig(packageBuild({ index: 'src/index.ts', bin: 'src/bin.ts' }));
