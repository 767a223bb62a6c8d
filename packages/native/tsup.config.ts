import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

// shims: import.meta.url in the CommonJS build, to find prebuilds/ next to dist/.
export default defineConfig(packageConfig({ index: 'src/index.ts' }, { shims: true }));
