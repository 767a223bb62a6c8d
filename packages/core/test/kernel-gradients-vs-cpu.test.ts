import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers tfjs-core's gradients (in Node its CJS bundle carries them).
import '@tensorflow/tfjs-layers';
import { selectBackend } from '@cxr/core';

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

const cases: Case[] = [
  convCase([2, 9, 9, 3], 3, 4, 1, 'valid'),
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
});

describe.each(['wasm', 'cpu'] as const)('cxr kernels on %s vs stock tfjs-backend-cpu', (backend) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await selectBackend({ backend });
    const before = tf.memory().numTensors;
    const actual = c.run();
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(actual, reference.get(c.name)!)).toBeLessThan(1e-4);
  });
});

it('the cases reach the kernels they are named after', async () => {
  await selectBackend({ backend: 'wasm' });
  const seen = new Set<string>();
  for (const c of cases) {
    const info = await tf.profile(() => void c.run());
    for (const k of info.kernels) seen.add(k.name);
  }
  for (const name of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'MaxPoolGrad']) {
    expect(seen).toContain(name);
  }
});
