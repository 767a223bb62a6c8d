import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@cxr/core';
// tfjs-layers registers tfjs-core's gradients (in Node its CJS bundle carries them).
import '@tensorflow/tfjs-layers';

type Case = { x: [number, number, number, number]; k: number; m: number; stride: number; pad: 'valid' | 'same'; dilation?: number };

const cases: Case[] = [
  { x: [2, 7, 7, 3], k: 3, m: 1, stride: 1, pad: 'same' },
  { x: [2, 8, 9, 4], k: 3, m: 1, stride: 2, pad: 'same' },
  { x: [1, 9, 9, 2], k: 3, m: 2, stride: 2, pad: 'valid' },
  { x: [1, 11, 10, 2], k: 5, m: 1, stride: 1, pad: 'valid' },
  { x: [1, 6, 6, 1], k: 3, m: 3, stride: 3, pad: 'same' },
];

/** Gradients of sum(depthwiseConv2d(x, w) · dy) through the engine on the current backend. */
function gradients(c: Case, x: number[], w: number[], dy: number[], dyShape: number[]) {
  return tf.tidy(() => {
    const xT = tf.tensor4d(x, c.x);
    const wT = tf.tensor4d(w, [c.k, c.k, c.x[3], c.m]);
    const dyT = tf.tensor(dy, dyShape);
    const d = c.dilation ?? 1;
    const f = (xa: tf.Tensor, wa: tf.Tensor) =>
      tf.sum(tf.mul(tf.depthwiseConv2d(xa as tf.Tensor4D, wa as tf.Tensor4D, c.stride, c.pad, 'NHWC', d), dyT));
    const [dX, dW] = tf.grads(f)([xT, wT]);
    return { dX: Array.from(dX!.dataSync()), dW: Array.from(dW!.dataSync()) };
  });
}

describe('wasm depthwise conv gradients (cxr kernels) match the cpu backend', () => {
  it.each(cases)('%j', async (c) => {
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const x = Array.from({ length: size(c.x) }, (_, i) => Math.sin(i * 0.41));
    const w = Array.from({ length: c.k * c.k * c.x[3] * c.m }, (_, i) => Math.cos(i * 0.67));
    await selectBackend({ backend: 'cpu' });
    const d = c.dilation ?? 1;
    const yShape = tf.tidy(() => tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros([c.k, c.k, c.x[3], c.m]) as tf.Tensor4D, c.stride, c.pad, 'NHWC', d).shape);
    const dy = Array.from({ length: size(yShape) }, (_, i) => Math.cos(i * 0.13));
    const expected = gradients(c, x, w, dy, yShape);
    // native: false — this tests cxr's own wasm kernels, not @cxr/native's in front of them.
    const choice = await selectBackend({ backend: 'wasm', native: false });
    expect(choice.native?.active).toBe(false);
    const before = tf.memory().numTensors;
    const actual = gradients(c, x, w, dy, yShape);
    expect(tf.memory().numTensors).toBe(before);
    expect(actual.dW.length).toBe(expected.dW.length);
    actual.dW.forEach((v, i) => expect(v).toBeCloseTo(expected.dW[i]!, 4));
    actual.dX.forEach((v, i) => expect(v).toBeCloseTo(expected.dX[i]!, 4));
  });
});
