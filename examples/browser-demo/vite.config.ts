import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
const require = createRequire(import.meta.url);
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const wasmFiles = readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'));

/**
 * Each tfjs package as its single-file ES module build (`dist/*.fesm.js`) instead of ~1,500 small
 * modules: the same code, bundled in a fraction of the time (the browser test builds the page).
 */
const tfjsBundles = Object.entries({
  'tfjs-core': 'tf-core',
  'tfjs-layers': 'tf-layers',
  'tfjs-backend-cpu': 'tf-backend-cpu',
  'tfjs-backend-webgl': 'tf-backend-webgl',
  'tfjs-backend-wasm': 'tf-backend-wasm',
  'tfjs-backend-webgpu': 'tf-backend-webgpu',
}).map(([name, file]) => ({
  find: new RegExp(`^@tensorflow/${name}$`),
  replacement: join(dirname(require.resolve(`@tensorflow/${name}/package.json`)), 'dist', `${file}.fesm.js`),
}));

/** Serve (dev) and emit (build) tfjs-backend-wasm's .wasm binaries under /tfjs-wasm/, where the page's setWasmPaths points. */
function tfjsWasmFiles(): Plugin {
  return {
    name: 'cxr-tfjs-wasm-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.match(/\/tfjs-wasm\/([\w.-]+\.wasm)$/)?.[1];
        if (!name || !wasmFiles.includes(name)) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.end(readFileSync(join(wasmDir, name)));
      });
    },
    generateBundle() {
      for (const name of wasmFiles) this.emitFile({ type: 'asset', fileName: `tfjs-wasm/${name}`, source: readFileSync(join(wasmDir, name)) });
    },
  };
}

export default defineConfig({
  // Relative asset paths: the built page works from any folder or sub-path of a static server.
  base: './',
  resolve: {
    // Like vitest: the demo runs on the packages' sources, so no package build is needed first.
    alias: [
      { find: /^@cxr\/([a-z]+)\/([a-z]+)$/, replacement: `${packages}$1/src/$2.ts` },
      { find: /^@cxr\/([a-z]+)$/, replacement: `${packages}$1/src/index.ts` },
      ...tfjsBundles,
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, sourcemap: false },
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  plugins: [tfjsWasmFiles()],
});
