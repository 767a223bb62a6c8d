import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against sources, so no rebuild is needed between edits.
    alias: [
      { find: /^@cxr\/([a-z]+)\/([a-z]+)$/, replacement: `${packages}$1/src/$2.ts` },
      { find: /^@cxr\/([a-z]+)$/, replacement: `${packages}$1/src/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'docs/snippets/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // In CI a JSON report lets .ci/run print a plain 'N passed, N failed' line.
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
  },
});
