import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon, type NativeAddon } from '@cxr/native';

const addon = (): NativeAddon => {
  const load = loadNativeAddon();
  if (!load.addon) throw new Error(`the prebuilt addon must load on this machine: ${load.reason}`);
  return load.addon;
};
const f32 = (n: number) => new Float32Array(n);
const geometry = (n = 1, h = 4, w = 4, ci = 1, co = 2, k = 3) =>
  Int32Array.from([n, h, w, ci, co, k, k, 1, 1, 1, 1, 0, 0, h - k + 1, w - k + 1]);

/** Every bad call must throw a coded error — never crash the process or write out of bounds. */
describe('raw addon calls with bad arguments throw E_NATIVE', () => {
  const g = geometry();
  const cases: [string, () => void][] = [
    ['no arguments', () => (addon().conv2d as unknown as () => void)()],
    ['a number for a tensor', () => addon().conv2d(1 as never, f32(18), null, f32(8), g, 0)],
    ['an Int32Array for a Float32Array', () => addon().conv2d(new Int32Array(16) as never, f32(18), null, f32(8), g, 0)],
    ['x shorter than its geometry', () => addon().conv2d(f32(15), f32(18), null, f32(8), g, 0)],
    ['output shorter than its geometry', () => addon().conv2d(f32(16), f32(18), null, f32(7), g, 0)],
    ['filter shorter than its geometry', () => addon().conv2dBackpropFilter(f32(16), f32(8), f32(17), g)],
    ['geometry too short', () => addon().conv2dBackpropInput(f32(8), f32(18), f32(16), Int32Array.from([1, 4, 4]))],
    ['matMul operands too short', () => addon().matMul(f32(5), f32(6), f32(4), Int32Array.from([2, 2, 3, 0, 0]))],
    ['unknown binary op', () => addon().binary(9, f32(4), f32(4), f32(4))],
    ['b length not dividing a', () => addon().binary(0, f32(6), f32(4), f32(6))],
    ['unknown unary op', () => addon().unary(5, f32(4), f32(4))],
    ['tile reps too short', () => addon().tile(f32(4), f32(16), Int32Array.from([2, 2]), Int32Array.from([2]))],
    ['depthwise channels not a multiple', () => addon().depthwiseConv2d(f32(32), f32(27), f32(32), geometry(1, 4, 4, 2, 3))],
    ['zero threads', () => addon().setThreads(0)],
    ['a non-string ISA', () => addon().setIsa(3 as never)],
  ];
  it.each(cases)('%s', (_name, call) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toBe('E_NATIVE');
  });

  it('a rejected call leaves the addon working', () => {
    const a = Float32Array.from([1, 2, 3, 4]);
    const c = f32(4);
    addon().matMul(a, Float32Array.from([1, 0, 0, 1]), c, Int32Array.from([2, 2, 2, 0, 0]));
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
  });
});

describe('matMul against a plain loop, every micro-kernel this CPU has, transposes', () => {
  it.each(['avx512', 'avx2', 'generic'] as const)('%s', (isa) => {
    const a0 = addon();
    const previous = a0.info().isa;
    if (!a0.setIsa(isa)) return;
    try {
      for (const [m, n, k] of [[1, 1, 1], [13, 33, 7], [100, 70, 300], [37, 129, 513]] as const) {
        const A = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
        const B = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.53));
        const want = f32(m * n);
        for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) want[i * n + j]! += A[i * k + p]! * B[p * n + j]!;
        const At = f32(m * k);
        for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) At[p * m + i] = A[i * k + p]!;
        const Bt = f32(k * n);
        for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) Bt[j * k + p] = B[p * n + j]!;
        for (const [a, b, ta, tb] of [[A, B, 0, 0], [At, B, 1, 0], [A, Bt, 0, 1], [At, Bt, 1, 1]] as const) {
          const got = f32(m * n);
          a0.matMul(a, b, got, Int32Array.from([m, n, k, ta, tb]));
          const scale = Math.max(1e-6, ...want.map(Math.abs));
          const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
          expect(worst / scale).toBeLessThan(1e-5);
        }
      }
    } finally {
      a0.setIsa(previous);
    }
  });
});

/** The loader's switches, each in a fresh process (the addon loads once per process). */
describe('loader', () => {
  const probe = fileURLToPath(new URL('./fixtures/probe.ts', import.meta.url));
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', probe], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { load: { reason?: string; path?: string }; info?: { threads: number }; native: { active: boolean; reason?: string }; describe: string; trained: boolean };
  };
  it('loads the prebuilt binary by default and selectBackend reports it', () => {
    const out = run({});
    expect(out.native.active).toBe(true);
    expect(out.describe).toMatch(/native kernels/);
    expect(out.trained).toBe(true);
  });
  it('CXR_NATIVE=0 keeps the wasm kernels and says why', () => {
    const out = run({ CXR_NATIVE: '0' });
    expect(out.load.reason).toMatch(/CXR_NATIVE=0/);
    expect(out.native.active).toBe(false);
    expect(out.describe).not.toMatch(/native kernels/);
    expect(out.trained).toBe(true);
  });
  it('a missing binary (CXR_NATIVE_PATH) is reported, and training still works', () => {
    const out = run({ CXR_NATIVE_PATH: '/nonexistent/cxr_native.node' });
    expect(out.load.reason).toMatch(/nonexistent/);
    expect(out.native.active).toBe(false);
    expect(out.trained).toBe(true);
  });
  it('CXR_NATIVE_THREADS sets the worker count', () => {
    expect(run({ CXR_NATIVE_THREADS: '1' }).info?.threads).toBe(1);
  });
});
