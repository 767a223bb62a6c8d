import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers tfjs-core's gradients (in Node its CJS bundle carries them).
import '@tensorflow/tfjs-layers';
import { selectBackend } from '@cxr/core';
import { loadNativeAddon, setNativeKernelsEnabled } from '@cxr/native';
import { conv2dBackpropFilterConfig, filterGradPath } from '../src/kernels/conv2d-backprop-filter.js';

/*
 * Every kernel cxr registers, checked against tfjs-backend-cpu's stock kernels: gradients are
 * computed on plain `tf.setBackend('cpu')` first (before selectBackend registers anything on
 * cpu), then on the backends carrying cxr's kernels. Max relative error < 1e-4.
 */

type Grads = number[][];
interface Case {
  name: string;
  /** Kernel(s) the case exercises, for the report. */
  kernels: string;
  run(): Grads;
}

const wave = (n: number, f: number, phase = 0) => Array.from({ length: n }, (_, i) => Math.sin(i * f + phase));
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function convCase(x: [number, number, number, number], k: number, co: number, stride: number, pad: 'valid' | 'same'): Case {
  return {
    name: `conv2d x=${x} k=${k} co=${co} s=${stride} ${pad}`,
    kernels: 'Conv2DBackpropFilter, Conv2DBackpropInput',
    run: () =>
      tf.tidy(() => {
        const xt = tf.tensor4d(wave(size(x), 0.37), x);
        const w = tf.tensor4d(wave(k * k * x[3] * co, 0.53, 1), [k, k, x[3], co]);
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)));
        return tf.grads(f)([xt, w]).map((g) => Array.from(g.dataSync()));
      }),
  };
}

function depthwiseCase(x: [number, number, number, number], k: number, m: number, stride: number, pad: 'valid' | 'same'): Case {
  return {
    name: `depthwise x=${x} k=${k} m=${m} s=${stride} ${pad}`,
    kernels: 'DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput',
    run: () =>
      tf.tidy(() => {
        const xt = tf.tensor4d(wave(size(x), 0.29), x);
        const w = tf.tensor4d(wave(k * k * x[3] * m, 0.41, 2), [k, k, x[3], m]);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)));
        return tf.grads(f)([xt, w]).map((g) => Array.from(g.dataSync()));
      }),
  };
}

/** relu first, so windows of zeros tie: the gradient must go to one position only. */
function maxPoolCase(x: [number, number, number, number], k: number, stride: number, pad: 'valid' | 'same'): Case {
  return {
    name: `maxPool x=${x} k=${k} s=${stride} ${pad}`,
    kernels: 'MaxPoolGrad',
    run: () =>
      tf.tidy(() => {
        const xt = tf.tensor4d(wave(size(x), 0.71), x);
        const dyScale = (y: tf.Tensor) => tf.tensor(wave(y.size, 0.13, 0.5), y.shape);
        const f = (a: tf.Tensor) => {
          const y = tf.maxPool(tf.relu(a) as tf.Tensor4D, k, stride, pad);
          return tf.sum(tf.mul(y, dyScale(y)));
        };
        return [Array.from(tf.grad(f)(xt).dataSync())];
      }),
  };
}

/** Forward ops the native addon replaces (fused conv, pooling, sums, broadcasts), with gradients. */
function forwardCase(name: string, f: (x: tf.Tensor4D) => tf.Tensor, x: [number, number, number, number], withGrad = true): Case {
  return {
    name: `forward ${name} x=${x}`,
    kernels: name,
    run: () =>
      tf.tidy(() => {
        const xt = tf.tensor4d(wave(size(x), 0.31, 0.2), x);
        const y = f(xt);
        if (!withGrad) return [Array.from(y.dataSync())];
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D), tf.tensor(wave(y.size, 0.17), y.shape))))(xt);
        return [Array.from(y.dataSync()), Array.from(g.dataSync())];
      }),
  };
}

const cases: Case[] = [
  convCase([2, 9, 9, 3], 3, 4, 1, 'valid'),
  convCase([2, 10, 9, 3], 3, 12, 1, 'same'),
  convCase([1, 12, 11, 9], 3, 40, 2, 'same'),
  convCase([2, 6, 7, 10], 1, 16, 1, 'valid'),
  forwardCase('FusedConv2D relu', (x) => tf.fused.conv2d({ x, filter: tf.tensor4d(wave(3 * 3 * 4 * 20, 0.21), [3, 3, 4, 20]), strides: 1, pad: 'same', bias: tf.tensor1d(wave(20, 0.7)), activation: 'relu' }), [2, 9, 9, 4]),
  forwardCase('Conv2D dilation 2', (x) => tf.conv2d(x, tf.tensor4d(wave(3 * 3 * 4 * 10, 0.23), [3, 3, 4, 10]), 1, 'same', 'NHWC', 2), [1, 12, 12, 4], false), // tfjs has no dilated conv gradient
  forwardCase('bias Add, Relu, Sub, RealDiv, Mean (≥ 16K elements)', (x) =>
    tf.mean(tf.div(tf.sub(tf.relu(tf.add(x, tf.tensor1d(wave(8, 0.9)))), 0.25), tf.tensor1d(wave(8, 0.4, 2).map((v) => 2 + v))), [0, 1, 2]), [4, 32, 32, 8]),
  forwardCase('Tile (BatchNorm-like)', (x) => tf.mul(x, tf.tile(tf.mean(x, [0, 1, 2], true), [4, 32, 32, 1])), [4, 32, 32, 8]),
  convCase([2, 9, 8, 3], 3, 4, 1, 'same'),
  convCase([3, 11, 10, 2], 3, 5, 2, 'valid'),
  convCase([1, 12, 12, 4], 5, 2, 2, 'same'),
  convCase([2, 16, 16, 1], 5, 4, 1, 'valid'),
  depthwiseCase([2, 7, 7, 3], 3, 1, 1, 'same'),
  depthwiseCase([2, 8, 9, 4], 3, 1, 2, 'same'),
  depthwiseCase([1, 9, 9, 2], 3, 2, 2, 'valid'),
  maxPoolCase([2, 8, 8, 3], 2, 2, 'valid'),
  maxPoolCase([2, 9, 11, 4], 2, 2, 'valid'),
  maxPoolCase([1, 17, 16, 4], 3, 3, 'valid'),
  maxPoolCase([2, 7, 7, 2], 3, 2, 'same'),
  maxPoolCase([1, 8, 8, 2], 2, 1, 'valid'),
];

function relativeError(actual: Grads, expected: Grads): number {
  let worst = 0;
  expected.forEach((e, t) => {
    const a = actual[t]!;
    expect(a.length).toBe(e.length);
    const scale = Math.max(1e-6, ...e.map(Math.abs));
    for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!) / scale);
  });
  return worst;
}

const reference = new Map<string, Grads>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const c of cases) reference.set(c.name, c.run());
  for (const c of filterCases) {
    const run = () => tf.engine().runKernel('Conv2DBackpropFilter', filterInputs(c), filterAttrs(c) as never) as tf.Tensor;
    filterReference.set(c, tf.tidy(() => Array.from(run().dataSync())));
  }
});

// Each backend with @cxr/native's kernels in front and without them (cxr's own wasm/cpu kernels).
const variants = [
  ['wasm', true],
  ['wasm', false],
  ['cpu', false],
] as const;
describe.each(variants)('cxr kernels on %s (native %s) vs stock tfjs-backend-cpu', (backend, native) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const choice = await selectBackend({ backend });
    if (native) expect(choice.native?.active).toBe(true);
    setNativeKernelsEnabled(native);
    try {
      const before = tf.memory().numTensors;
      const actual = c.run();
      expect(tf.memory().numTensors).toBe(before);
      expect(relativeError(actual, reference.get(c.name)!)).toBeLessThan(1e-4);
    } finally {
      setNativeKernelsEnabled(true);
    }
  });
});

// The GEMM path's other micro-kernels (this CPU picks AVX-512 by itself).
describe.each(['avx2', 'generic'] as const)('native GEMM micro-kernel %s on wasm vs stock tfjs-backend-cpu', (isa) => {
  it.each(cases.filter((c) => c.name.startsWith('conv2d') || c.name.includes('FusedConv2D')).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await selectBackend({ backend: 'wasm' });
    const addon = loadNativeAddon().addon!;
    const previous = addon.info().isa;
    if (!addon.setIsa(isa)) return; // this CPU lacks it
    try {
      expect(relativeError(c.run(), reference.get(c.name)!)).toBeLessThan(1e-4);
    } finally {
      addon.setIsa(previous);
    }
  });
});

it('the native kernels are the ones that run while enabled', async () => {
  await selectBackend({ backend: 'wasm' });
  const addon = loadNativeAddon().addon!;
  const calls: string[] = [];
  const original = addon.conv2dBackpropFilter;
  addon.conv2dBackpropFilter = (...args) => {
    calls.push('filter');
    return original.apply(addon, args);
  };
  try {
    cases[0]!.run();
    expect(calls.length).toBe(1);
    setNativeKernelsEnabled(false);
    cases[0]!.run();
    expect(calls.length).toBe(1);
  } finally {
    setNativeKernelsEnabled(true);
    addon.conv2dBackpropFilter = original;
  }
});

it('the cases reach the kernels they are named after', async () => {
  await selectBackend({ backend: 'wasm' });
  setNativeKernelsEnabled(false);
  const seen = new Set<string>();
  for (const c of cases) {
    const info = await tf.profile(() => void c.run());
    for (const k of info.kernels) seen.add(k.name);
  }
  for (const name of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'MaxPoolGrad']) {
    expect(seen).toContain(name);
  }
  setNativeKernelsEnabled(true);
});

/*
 * wasm's per-image GEMM filter gradient runs by itself only on layers too large for a quick
 * stock-cpu reference (filterGradPath), so it is called directly here on small geometries:
 * strides, 'same' padding, non-square kernels and images, several images and channels.
 */
interface FilterCase {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  strides: [number, number];
  pad: 'valid' | 'same';
}
const filterCases: FilterCase[] = [
  { x: [3, 9, 9, 3], k: [3, 3], co: 4, strides: [1, 1], pad: 'valid' },
  { x: [2, 9, 8, 3], k: [3, 3], co: 5, strides: [1, 1], pad: 'same' },
  { x: [3, 11, 10, 2], k: [3, 3], co: 5, strides: [2, 2], pad: 'valid' },
  { x: [1, 12, 12, 4], k: [5, 5], co: 2, strides: [2, 2], pad: 'same' },
  { x: [2, 10, 13, 1], k: [2, 4], co: 3, strides: [1, 3], pad: 'same' },
];
const filterAttrs = (c: FilterCase) => ({ strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: [...c.k, c.x[3], c.co] });
const filterInputs = (c: FilterCase) => {
  const x = tf.tensor4d(wave(size(c.x), 0.37), c.x);
  const info = tf.backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.co] as [number, number, number, number], c.strides, 1, c.pad);
  const dyShape = [c.x[0], info.outHeight, info.outWidth, c.co];
  return { x, dy: tf.tensor(wave(size(dyShape), 0.53, 1), dyShape) };
};
const filterReference = new Map<FilterCase, number[]>();

describe('wasm Conv2DBackpropFilter per-image GEMM vs stock tfjs-backend-cpu', () => {
  it.each(filterCases.map((c) => [`x=${c.x} k=${c.k} co=${c.co} s=${c.strides} ${c.pad}`, c] as const))('%s', async (_name, c) => {
    await selectBackend({ backend: 'wasm' });
    const { kernelFunc } = conv2dBackpropFilterConfig('wasm', 'gemm');
    const before = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const dataBefore = backend.numDataIds();
    const actual = tf.tidy(() => {
      const { x, dy } = filterInputs(c);
      const out = kernelFunc({ inputs: { x, dy }, backend: tf.backend(), attrs: filterAttrs(c) as never }) as tf.TensorInfo;
      const t = tf.engine().makeTensorFromTensorInfo(out);
      expect(t.shape).toEqual([...c.k, c.x[3], c.co]);
      return Array.from(t.dataSync());
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(backend.numDataIds()).toBe(dataBefore); // no intermediate left on the wasm heap
    expect(relativeError([actual], [filterReference.get(c)!])).toBeLessThan(1e-4);
  });
});

it('wasm takes the GEMM filter gradient for model A\'s layers and B\'s first, the Conv2D one for B\'s second', () => {
  const g = (k: number, o: number) => ({ kH: k, kW: k, sH: 1, sW: 1, oH: o, oW: o, top: 0, bottom: 0, left: 0, right: 0 });
  expect(filterGradPath(3, 32, g(3, 222))).toBe('gemm');
  expect(filterGradPath(32, 64, g(3, 220))).toBe('gemm');
  expect(filterGradPath(64, 128, g(3, 108))).toBe('gemm');
  expect(filterGradPath(1, 4, g(5, 508))).toBe('gemm');
  expect(filterGradPath(4, 4, g(3, 167))).toBe('conv');
  expect(filterGradPath(2, 3, g(3, 9))).toBe('conv');
  // An im2col buffer over 2^26 floats for one image falls back to the Conv2D formulation.
  expect(filterGradPath(512, 512, g(3, 200))).toBe('conv');
});
