import { describe, expect, it } from 'vitest';
import { nativeAddon as addon } from './support.js';

const f32 = (n: number) => new Float32Array(n);

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
