import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

// shims: import.meta.url in the CommonJS build, to find prebuilds/ next to dist/.
// browser: the `browser` export condition's entry, with no addon and no Node built-ins.
export default defineConfig(packageConfig({ index: 'src/index.ts', browser: 'src/browser.ts' }, { shims: true }));
