import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

// `cli` is the `cxr` binary (dist/cli.js, shebang kept and made executable by tsup).
export default defineConfig(packageConfig({ index: 'src/index.ts', node: 'src/node.ts', cli: 'src/cli.ts' }));
