import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '@cxr/core';
// tfjs-layers registers tfjs-core's gradients (in Node its CJS bundle carries them).
import '@tensorflow/tfjs-layers';

type Case = { x: [number, number, number, number]; k: [number, number]; co: number; stride: number; pad: 'valid' | 'same' };

const cases: Case[] = [
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, stride: 1, pad: 'valid' },
  { x: [2, 9, 8, 3], k: [3, 3], co: 4, stride: 1, pad: 'same' },
  { x: [3, 11, 10, 2], k: [3, 2], co: 5, stride: 2, pad: 'valid' },
  { x: [1, 12, 12, 4], k: [5, 5], co: 2, stride: 2, pad: 'same' },
  { x: [2, 7, 7, 1], k: [1, 1], co: 3, stride: 3, pad: 'same' },
  { x: [1, 6, 9, 2], k: [4, 2], co: 3, stride: 1, pad: 'same' },
];

/** Geometry of a conv2d the way TensorFlow defines 'valid' and 'same'. */
function geometry(c: Case) {
  const [, H, W] = c.x;
  const [kH, kW] = c.k;
  const s = c.stride;
  const oH = c.pad === 'valid' ? Math.ceil((H - kH + 1) / s) : Math.ceil(H / s);
  const oW = c.pad === 'valid' ? Math.ceil((W - kW + 1) / s) : Math.ceil(W / s);
  const top = c.pad === 'valid' ? 0 : Math.floor(Math.max(0, (oH - 1) * s + kH - H) / 2);
  const left = c.pad === 'valid' ? 0 : Math.floor(Math.max(0, (oW - 1) * s + kW - W) / 2);
  return { oH, oW, top, left };
}

/**
 * Straight from the definition y[n,i,j,o] = Σ x[n, i·s + a − top, j·s + b − left, c] · w[a,b,c,o]:
 * dW = Σ x · dy and dx = Σ dy · w over the same index set. Independent of any tfjs kernel.
 */
function naiveGradients(c: Case, x: number[], w: number[], dy: number[]) {
  const [N, H, W, C] = c.x;
  const [kH, kW] = c.k;
  const O = c.co;
  const { oH, oW, top, left } = geometry(c);
  const dW = new Array(kH * kW * C * O).fill(0);
  const dX = new Array(N * H * W * C).fill(0);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < oH; i++)
      for (let j = 0; j < oW; j++)
        for (let a = 0; a < kH; a++)
          for (let b = 0; b < kW; b++) {
            const r = i * c.stride + a - top;
            const q = j * c.stride + b - left;
            if (r < 0 || r >= H || q < 0 || q >= W) continue;
            for (let ch = 0; ch < C; ch++)
              for (let o = 0; o < O; o++) {
                const g = dy[((n * oH + i) * oW + j) * O + o]!;
                dW[((a * kW + b) * C + ch) * O + o] += x[((n * H + r) * W + q) * C + ch]! * g;
                dX[((n * H + r) * W + q) * C + ch] += w[((a * kW + b) * C + ch) * O + o]! * g;
              }
          }
  return { dW, dX, dyShape: [N, oH, oW, O] };
}

function tfGradients(c: Case, x: number[], w: number[], dy: number[], dyShape: number[]) {
  return tf.tidy(() => {
    const xT = tf.tensor4d(x, c.x);
    const wT = tf.tensor4d(w, [c.k[0], c.k[1], c.x[3], c.co]);
    const dyT = tf.tensor(dy, dyShape);
    const f = (xa: tf.Tensor, wa: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xa as tf.Tensor4D, wa as tf.Tensor4D, c.stride, c.pad), dyT));
    const [dX, dW] = tf.grads(f)([xT, wT]);
    return { dX: Array.from(dX!.dataSync()), dW: Array.from(dW!.dataSync()) };
  });
}

// native: false — these test cxr's own wasm kernels, not @cxr/native's in front of them.
describe.each(['wasm', 'cpu'] as BackendName[])('conv2d gradients on %s (cxr kernels)', (backend) => {
  it.each(cases)('match the definition: %j', async (c) => {
    const choice = await selectBackend({ backend, native: false });
    expect(choice.native?.active ?? false).toBe(false);
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const x = Array.from({ length: size(c.x) }, (_, i) => Math.sin(i * 0.37));
    const w = Array.from({ length: c.k[0] * c.k[1] * c.x[3] * c.co }, (_, i) => Math.cos(i * 0.53));
    const { oH, oW } = geometry(c);
    const dy = Array.from({ length: c.x[0] * oH * oW * c.co }, (_, i) => Math.cos(i * 0.11));
    const expected = naiveGradients(c, x, w, dy);
    const before = tf.memory().numTensors;
    const actual = tfGradients(c, x, w, dy, expected.dyShape);
    expect(tf.memory().numTensors).toBe(before);
    expect(actual.dW.length).toBe(expected.dW.length);
    expect(actual.dX.length).toBe(expected.dX.length);
    actual.dW.forEach((v, i) => expect(v).toBeCloseTo(expected.dW[i]!, 4));
    actual.dX.forEach((v, i) => expect(v).toBeCloseTo(expected.dX[i]!, 4));
  });
});
