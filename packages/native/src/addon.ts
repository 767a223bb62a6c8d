import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The compiled kernels (csrc/addon.cc). Tensors are Float32Arrays, shapes Int32Arrays. */
export interface NativeAddon {
  conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, geometry: Int32Array, activation: number): void;
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  /** Depthwise NHWC convolution; geometry as conv2d's, with co = ci · channel multiplier. */
  depthwiseConv2d(x: Float32Array, w: Float32Array, y: Float32Array, geometry: Int32Array): void;
  depthwiseBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  /** out = x repeated reps[d] times along each axis (rank ≤ 8). */
  tile(x: Float32Array, out: Float32Array, shape: Int32Array, reps: Int32Array): void;
  /** c[m, n] = op(a) · op(b); dims = [m, n, k, transposeA, transposeB]. */
  matMul(a: Float32Array, b: Float32Array, c: Float32Array, dims: Int32Array): void;
  /** out[c] = Σ_r x[r, c]; dims = [rows, cols]. */
  sumRows(x: Float32Array, dims: Int32Array, out: Float32Array): void;
  maxPool(x: Float32Array, y: Float32Array, geometry: Int32Array): void;
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /** out[i] = a[i] op b[i mod b.length]; op 0 add, 1 sub, 2 mul, 3 div. */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** op 0 relu, 1 step(alpha). */
  unary(op: number, x: Float32Array, out: Float32Array, alpha?: number): void;
  setThreads(threads: number): void;
  /** Forces a GEMM micro-kernel; false when this CPU lacks it. */
  setIsa(isa: 'avx512' | 'avx2' | 'generic'): boolean;
  info(): { isa: 'avx512' | 'avx2' | 'generic'; threads: number };
}

export type NativeLoad = { addon: NativeAddon; path: string } | { addon: null; reason: string };

let loaded: NativeLoad | undefined;

/** Where the prebuilt binary for this platform lives, or CXR_NATIVE_PATH when set. */
export function addonPath(): string {
  const override = process.env['CXR_NATIVE_PATH'];
  if (override) return override;
  return fileURLToPath(new URL(`../prebuilds/${process.platform}-${process.arch}/cxr_native.node`, import.meta.url));
}

/**
 * Loads the addon once. Never throws: a platform without a prebuild, a binary the loader
 * rejects, or CXR_NATIVE=0 give `{ addon: null, reason }` and callers keep their own kernels.
 */
export function loadNativeAddon(): NativeLoad {
  if (loaded) return loaded;
  if (process.env['CXR_NATIVE'] === '0') return (loaded = { addon: null, reason: 'disabled by CXR_NATIVE=0' });
  const path = addonPath();
  if (!existsSync(path)) return (loaded = { addon: null, reason: `no prebuilt binary for ${process.platform}-${process.arch} (${path})` });
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    const threads = Number(process.env['CXR_NATIVE_THREADS'] ?? '');
    if (Number.isInteger(threads) && threads > 0) addon.setThreads(threads);
    return (loaded = { addon, path });
  } catch (error) {
    return (loaded = { addon: null, reason: `${path} did not load: ${(error as Error).message}` });
  }
}
