import type { Options } from 'tsup';

/** Shared tsup settings: ESM + CJS with .d.ts, one entry per public subpath, deps never bundled. */
export function packageConfig(entry: Record<string, string>, extra: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    splitting: true,
    // Build against the other packages' published types, never their sources.
    tsconfig: 'tsconfig.build.json',
    ...extra,
  };
}
