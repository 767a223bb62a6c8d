import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@cxr/core';
// tfjs-layers registers tfjs-core's gradients (in Node its CJS bundle carries them).
import '@tensorflow/tfjs-layers';

type Case = { x: [number, number, number, number]; k: [number, number]; co: number; stride: number; pad: 'valid' | 'same' };

const cases: Case[] = [
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, stride: 1, pad: 'valid' },
  { x: [2, 9, 8, 3], k: [3, 3], co: 4, stride: 1, pad: 'same' },
  { x: [3, 11, 10, 2], k: [3, 2], co: 5, stride: 2, pad: 'valid' },
  { x: [1, 12, 12, 4], k: [5, 5], co: 2, stride: 2, pad: 'same' },
  { x: [2, 7, 7, 1], k: [1, 1], co: 3, stride: 3, pad: 'same' },
];

/** Filter gradient of sum(conv2d(x, w) * dy) through the engine, on the current backend. */
function filterGrad(xv: number[], dyv: number[], c: Case, wShape: [number, number, number, number], dyShape: number[]) {
  return tf.tidy(() => {
    const x = tf.tensor4d(xv, c.x);
    const dy = tf.tensor(dyv, dyShape);
    const w = tf.zeros(wShape);
    const g = tf.grad((filter: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.stride, c.pad), dy)))(w);
    return Array.from(g.dataSync());
  });
}

/** Input gradient of sum(conv2d(x, w) * dy), on the current backend. */
function inputGrad(wv: number[], dyv: number[], c: Case, wShape: [number, number, number, number], dyShape: number[]) {
  return tf.tidy(() => {
    const w = tf.tensor4d(wv, wShape);
    const dy = tf.tensor(dyv, dyShape);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w, c.stride, c.pad), dy)))(tf.zeros(c.x));
    return Array.from(g.dataSync());
  });
}

describe('wasm Conv2DBackpropInput (cxr kernel, stock fallback when strided)', () => {
  it.each(cases)('matches the cpu backend: %j', async (c) => {
    const wShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.co];
    await selectBackend({ backend: 'cpu' });
    const yShape = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(wShape) as tf.Tensor4D, c.stride, c.pad).shape;
    const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const wv = Array.from({ length: n(wShape) }, (_, i) => Math.sin(i * 0.53));
    const dyv = Array.from({ length: n(yShape) }, (_, i) => Math.cos(i * 0.29));
    const expected = inputGrad(wv, dyv, c, wShape, yShape);
    await selectBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const actual = inputGrad(wv, dyv, c, wShape, yShape);
    expect(tf.memory().numTensors).toBe(before);
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 4);
  });
});

describe('wasm Conv2DBackpropFilter (cxr kernel)', () => {
  it.each(cases)('matches the cpu backend: %j', async (c) => {
    const wShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.co];
    await selectBackend({ backend: 'cpu' });
    const yShape = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(wShape) as tf.Tensor4D, c.stride, c.pad).shape;
    const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const xv = Array.from({ length: n(c.x) }, (_, i) => Math.sin(i * 0.37));
    const dyv = Array.from({ length: n(yShape) }, (_, i) => Math.cos(i * 0.11));
    const expected = filterGrad(xv, dyv, c, wShape, yShape);
    await selectBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const actual = filterGrad(xv, dyv, c, wShape, yShape);
    expect(tf.memory().numTensors).toBe(before);
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 4);
  });
});
