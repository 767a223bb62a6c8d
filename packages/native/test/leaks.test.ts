import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@cxr/core';
import { expectNoLeaks } from '@cxr/testing';
import { spyOnAddon, wave } from './support.js';

/*
 * Training with the native kernels must not leak tensors (tf.memory) nor wasm heap: the native
 * kernels allocate their outputs through the backend, so a forgotten intermediate would show in
 * either count.
 */

let spy: ReturnType<typeof spyOnAddon>;
beforeAll(async () => {
  const choice = await selectBackend({ backend: 'wasm' });
  expect(choice.native?.active).toBe(true);
  spy = spyOnAddon();
});
afterAll(() => spy?.restore());

const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;

it('50 training steps of a small CNN on wasm + native leak no tensor and no wasm heap', async () => {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [20, 20, 1], filters: 12, kernelSize: 3, padding: 'same' }), // GEMM path
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tfl.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu' }), // direct path (co ≤ 8)
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.tensor4d(wave(8 * 20 * 20, 0.37), [8, 20, 20, 1]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0, 0, 1], 'int32'), 2);
  const losses: number[] = [];
  const step = async () => void losses.push((await model.trainOnBatch(x, y)) as number);

  await step(); // creates Adam's slots, which live on with the model
  const heapBefore = heapBytes();
  const bytesBefore = tf.memory().numBytes;
  spy.reset();
  await expectNoLeaks(step, { runs: 50 });
  expect(tf.memory().numBytes).toBe(bytesBefore);
  expect(heapBytes()).toBe(heapBefore);

  // The steps ran on the native kernels, and learnt something.
  expect(spy.called()).toEqual(expect.arrayContaining(['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPool', 'maxPoolGrad', 'sumRows']));
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  tf.dispose([x, y]);
  model.dispose();
});
