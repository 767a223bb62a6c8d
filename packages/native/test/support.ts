import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { loadNativeAddon, type NativeAddon } from '@cxr/native';

/** Shared by the native tests: deterministic inputs, the error measure, and addon call counting. */

export type Outputs = number[][];

/** A deterministic, sign-changing sequence (no RNG, so every run and backend sees the same input). */
export const wave = (n: number, f: number, phase = 0): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * f + phase));
export const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export const values = (...ts: tf.Tensor[]): Outputs => ts.map((t) => Array.from(t.dataSync()));

/**
 * Worst |actual − expected| over the largest |expected| of each output. NaN must sit exactly where
 * the reference has NaN (relu and step pass NaN through on stock cpu).
 */
export function relativeError(actual: Outputs, expected: Outputs): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((e, t) => {
    const a = actual[t]!;
    expect(a.length).toBe(e.length);
    const scale = Math.max(1e-6, ...e.filter((v) => !Number.isNaN(v)).map(Math.abs));
    for (let i = 0; i < e.length; i++) {
      if (Number.isNaN(e[i]!) || Number.isNaN(a[i]!)) {
        expect([i, a[i]]).toEqual([i, e[i]]);
        continue;
      }
      worst = Math.max(worst, Math.abs(a[i]! - e[i]!) / scale);
    }
  });
  return worst;
}

export function nativeAddon(): NativeAddon {
  const load = loadNativeAddon();
  if (!load.addon) throw new Error(`the prebuilt addon must load on this machine: ${load.reason}`);
  return load.addon;
}

export type AddonMethod = Exclude<keyof NativeAddon, 'setThreads' | 'setIsa' | 'info'>;
const KERNEL_METHODS: AddonMethod[] = [
  'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'depthwiseConv2d', 'depthwiseBackpropInput',
  'depthwiseBackpropFilter', 'tile', 'matMul', 'sumRows', 'maxPool', 'maxPoolGrad', 'binary', 'unary',
];

/**
 * Wraps every kernel method of the loaded addon with a call counter (the registered kernels look
 * the method up on each call, so this sees what they run). `restore()` puts the originals back.
 */
export function spyOnAddon(): { calls: Map<AddonMethod, number>; reset(): void; called(): AddonMethod[]; restore(): void } {
  const addon = nativeAddon() as unknown as Record<AddonMethod, (...args: unknown[]) => unknown>;
  const calls = new Map<AddonMethod, number>();
  const originals = new Map<AddonMethod, (...args: unknown[]) => unknown>();
  for (const name of KERNEL_METHODS) {
    const original = addon[name];
    originals.set(name, original);
    addon[name] = (...args: unknown[]) => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return original.apply(addon, args);
    };
  }
  return {
    calls,
    reset: () => calls.clear(),
    called: () => [...calls.keys()].sort(),
    restore: () => {
      for (const [name, original] of originals) addon[name] = original;
    },
  };
}

/** The GEMM micro-kernels this CPU can run, for the per-ISA runs. */
export function supportedIsas(): ('avx512' | 'avx2' | 'generic')[] {
  const addon = nativeAddon();
  const previous = addon.info().isa;
  try {
    return (['avx512', 'avx2', 'generic'] as const).filter((isa) => addon.setIsa(isa));
  } finally {
    addon.setIsa(previous);
  }
}
