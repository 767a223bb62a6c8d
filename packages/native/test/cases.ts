import * as tf from '@tensorflow/tfjs-core';
import { sizeOf, values, wave, type AddonMethod, type Outputs } from './support.js';

/**
 * Calls every native kernel covers, each computing outputs and gradients with public tfjs ops,
 * so the same case runs on stock tfjs-backend-cpu (the reference) and on a backend with native
 * kernels. `native` lists the addon methods the case must reach while they are enabled — without
 * that a case could silently test the fallback instead.
 */
export interface KernelCase {
  name: string;
  native: AddonMethod[];
  /** Runs the im2col + GEMM path (co > 8), so it is repeated under each micro-kernel. */
  gemm?: boolean;
  run(): Outputs;
}

type Shape4 = [number, number, number, number];

/** Σ y · dy for a fixed dy, so every output element gets its own gradient weight. */
const weighted = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.tensor(wave(y.size, 0.13, 0.5), y.shape)));

interface ConvSpec {
  x: Shape4;
  k: [number, number];
  co: number;
  stride: number;
  pad: 'valid' | 'same';
  dilation?: number;
}

function convCase(c: ConvSpec): KernelCase {
  const dilation = c.dilation ?? 1;
  // tfjs has no gradient for dilated convolutions: forward only there.
  const withGrad = dilation === 1;
  return {
    name: `conv2d x=${c.x} k=${c.k} co=${c.co} s=${c.stride} d=${dilation} ${c.pad}`,
    native: withGrad ? ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter'] : ['conv2d'],
    gemm: c.co > 8,
    run: () =>
      tf.tidy(() => {
        const x = tf.tensor4d(wave(sizeOf(c.x), 0.37), c.x);
        const w = tf.tensor4d(wave(c.k[0] * c.k[1] * c.x[3] * c.co, 0.53, 1), [...c.k, c.x[3], c.co]);
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad, 'NHWC', dilation);
        if (!withGrad) return values(f(x, w));
        return values(f(x, w), ...tf.grads((a, b) => weighted(f(a, b)))([x, w]));
      }),
  };
}

function fusedCase(x: Shape4, k: number, co: number, activation: 'relu' | 'linear', withBias: boolean): KernelCase {
  return {
    name: `fused conv2d x=${x} k=${k} co=${co} ${activation}${withBias ? ' + bias' : ''}`,
    // The bias gradient is a Sum over N, H, W: leading axes.
    native: ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', ...(withBias ? (['sumRows'] as const) : [])],
    gemm: co > 8,
    run: () =>
      tf.tidy(() => {
        const xt = tf.tensor4d(wave(sizeOf(x), 0.31, 0.2), x);
        const w = tf.tensor4d(wave(k * k * x[3] * co, 0.21), [k, k, x[3], co]);
        const bias = tf.tensor1d(wave(co, 0.7));
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 1, pad: 'same', bias: withBias ? c : undefined, activation });
        const inputs = withBias ? [xt, w, bias] : [xt, w];
        const grads = tf.grads((...args: tf.Tensor[]) => weighted(f(args[0]!, args[1]!, args[2]!)))(inputs);
        return values(f(xt, w, bias), ...grads);
      }),
  };
}

/** relu first so windows of zeros tie: the gradient must go to the one position cpu picks. */
function maxPoolCase(x: Shape4, k: number, stride: number, pad: 'valid' | 'same'): KernelCase {
  return {
    name: `maxPool x=${x} k=${k} s=${stride} ${pad} (relu ties)`,
    native: ['maxPool', 'maxPoolGrad', ...(sizeOf(x) >= 1 << 14 ? (['unary'] as const) : [])],
    run: () =>
      tf.tidy(() => {
        const xt = tf.tensor4d(wave(sizeOf(x), 0.71), x);
        const f = (a: tf.Tensor) => tf.maxPool(tf.relu(a) as tf.Tensor4D, k, stride, pad);
        return values(f(xt), tf.grad((a) => weighted(f(a)))(xt));
      }),
  };
}

function sumCase(x: number[], axes: number[], keepDims: boolean, mean = false): KernelCase {
  return {
    name: `${mean ? 'mean' : 'sum'} x=${x} axes=${axes} keepDims=${keepDims}`,
    native: ['sumRows'],
    run: () =>
      tf.tidy(() => {
        const xt = tf.tensor(wave(sizeOf(x), 0.19, 0.3), x);
        return values(mean ? tf.mean(xt, axes, keepDims) : tf.sum(xt, axes, keepDims));
      }),
  };
}

/** ≥ 16K float32 elements, where the elementwise kernels go native. */
const BIG: Shape4 = [4, 32, 32, 8];
/** Every 97th element NaN: relu and step must pass NaN through like cpu. */
const withNaN = (n: number) => wave(n, 0.43).map((v, i) => (i % 97 === 5 ? NaN : v));

function elementwiseCase(name: string, native: AddonMethod[], f: (x: tf.Tensor) => tf.Tensor, input = (n: number) => wave(n, 0.43)): KernelCase {
  return {
    name: `${name} x=${BIG}`,
    native,
    run: () =>
      tf.tidy(() => {
        const x = tf.tensor4d(input(sizeOf(BIG)), BIG);
        return values(f(x), tf.grad((a) => weighted(f(a)))(x));
      }),
  };
}

const channelVector = (phase: number, offset = 0) => tf.tensor1d(wave(BIG[3], 0.9, phase).map((v) => v + offset));

export const KERNEL_CASES: KernelCase[] = [
  // Direct path (co ≤ 8).
  convCase({ x: [2, 9, 9, 3], k: [3, 3], co: 4, stride: 1, pad: 'valid' }),
  convCase({ x: [1, 9, 8, 3], k: [3, 3], co: 8, stride: 1, pad: 'same' }),
  convCase({ x: [2, 11, 10, 2], k: [3, 3], co: 5, stride: 2, pad: 'valid' }),
  convCase({ x: [1, 12, 12, 4], k: [5, 5], co: 2, stride: 2, pad: 'same' }),
  convCase({ x: [2, 6, 7, 10], k: [1, 1], co: 6, stride: 1, pad: 'valid' }),
  convCase({ x: [1, 12, 12, 4], k: [3, 3], co: 4, stride: 1, pad: 'same', dilation: 2 }),
  // im2col + GEMM path (co > 8).
  convCase({ x: [1, 10, 9, 3], k: [3, 3], co: 12, stride: 1, pad: 'same' }),
  convCase({ x: [1, 12, 11, 9], k: [3, 3], co: 40, stride: 2, pad: 'same' }),
  convCase({ x: [2, 11, 13, 3], k: [3, 3], co: 16, stride: 2, pad: 'valid' }),
  convCase({ x: [2, 6, 7, 10], k: [1, 1], co: 16, stride: 1, pad: 'valid' }),
  convCase({ x: [1, 13, 11, 3], k: [5, 5], co: 12, stride: 1, pad: 'valid' }),
  convCase({ x: [1, 14, 12, 5], k: [3, 3], co: 20, stride: 1, pad: 'same', dilation: 2 }),
  // Fused bias + relu / linear, both paths.
  fusedCase([2, 9, 9, 4], 3, 20, 'relu', true),
  fusedCase([1, 8, 10, 3], 3, 6, 'relu', true),
  fusedCase([2, 7, 7, 5], 3, 12, 'linear', true),
  fusedCase([1, 9, 8, 2], 3, 4, 'linear', true),
  fusedCase([1, 8, 8, 3], 3, 16, 'relu', false),
  // Pooling: non-overlapping, overlapping 3×3 stride 2, 'same', stride 1, odd sizes, ≥ 16K (native relu zeros).
  maxPoolCase([2, 8, 8, 3], 2, 2, 'valid'),
  maxPoolCase([2, 9, 11, 4], 2, 2, 'valid'),
  maxPoolCase([1, 11, 13, 4], 3, 2, 'valid'),
  maxPoolCase([2, 7, 7, 2], 3, 2, 'same'),
  maxPoolCase([1, 8, 9, 2], 3, 1, 'same'),
  maxPoolCase([2, 32, 32, 8], 3, 2, 'same'),
  // Sums over leading axes.
  sumCase([2, 5, 6, 7], [0, 1, 2], false),
  sumCase([2, 5, 6, 7], [0, 1, 2], true),
  sumCase([3, 4], [0], true),
  sumCase([6, 5, 4], [0, 1], false),
  sumCase([2, 5, 6, 7], [0, 1, 2], true, true),
  // Elementwise, ≥ 16K elements.
  elementwiseCase('relu (gradient: step) with NaN', ['unary'], (x) => tf.relu(x), withNaN),
  elementwiseCase('step alpha 0.3 with NaN', ['unary'], (x) => tf.step(x, 0.3), withNaN),
  elementwiseCase('add, sub, mul, div same shape', ['binary'], (x) => {
    const y = tf.tensor4d(wave(sizeOf(BIG), 0.29, 1).map((v) => 2 + v), BIG);
    return tf.div(tf.mul(tf.sub(tf.add(x, y), tf.mul(y, 0.5)), x), y);
  }),
  elementwiseCase('bias add, sub, mul, div over channels', ['binary'], (x) =>
    tf.div(tf.mul(tf.sub(tf.add(x, channelVector(0)), channelVector(1)), channelVector(2)), channelVector(3, 2))),
  elementwiseCase('trailing-axes broadcast [1, 32, 8]', ['binary'], (x) =>
    tf.add(x, tf.tensor3d(wave(32 * 8, 0.11), [1, 32, 8]))),
  elementwiseCase('scalar on either side of add and mul, on the right of sub and div', ['binary'], (x) =>
    tf.div(tf.sub(tf.mul(3, tf.add(0.5, x)), 0.25), 1.5)),
];
