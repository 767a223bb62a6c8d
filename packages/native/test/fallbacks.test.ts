import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { selectBackend } from '@cxr/core';
import { registerNativeKernels, setNativeKernelsEnabled } from '@cxr/native';
import { KERNEL_CASES } from './cases.js';
import { relativeError, sizeOf, spyOnAddon, values, wave, type Outputs } from './support.js';

/*
 * Calls the native kernels do not cover must reach the kernel registered before them — right
 * results (vs stock cpu) and no addon call at all — and so must every covered call while
 * setNativeKernelsEnabled(false).
 */

interface FallbackCase {
  name: string;
  run(): Outputs;
  /** A fallback on this backend only (elsewhere the call is covered). */
  only?: 'cpu';
}

const BIG = [4, 32, 32, 8] as const;
const big = (f = 0.43, phase = 0) => tf.tensor4d(wave(sizeOf(BIG), f, phase), [...BIG]);
const fused = (activation: tf.fused.Activation, extra: () => Partial<Parameters<typeof tf.fused.conv2d>[0]> = () => ({})) =>
  tf.tidy(() =>
    values(
      tf.fused.conv2d({
        x: tf.tensor4d(wave(2 * 9 * 9 * 3, 0.37), [2, 9, 9, 3]),
        filter: tf.tensor4d(wave(3 * 3 * 3 * 12, 0.53), [3, 3, 3, 12]),
        strides: 1,
        pad: 'same',
        bias: tf.tensor1d(wave(12, 0.7)),
        activation,
        ...extra(),
      }),
    ),
  );

const FALLBACK_CASES: FallbackCase[] = [
  // Forward only: under a gradient tfjs unfuses these into Conv2D + Add + activation itself.
  { name: 'FusedConv2D leakyrelu', run: () => fused('leakyrelu', () => ({ leakyreluAlpha: 0.2 })) },
  { name: 'FusedConv2D prelu', run: () => fused('prelu', () => ({ preluActivationWeights: tf.tensor1d(wave(12, 0.3).map((v) => v / 4)) })) },
  { name: 'FusedConv2D elu', run: () => fused('elu') },
  {
    name: 'int32 Add, Sub, Multiply (≥ 16K elements)',
    run: () =>
      tf.tidy(() => {
        const a = tf.tensor4d(wave(sizeOf(BIG), 0.43).map((v) => Math.round(v * 100)), [...BIG], 'int32');
        const b = tf.tensor4d(wave(sizeOf(BIG), 0.29).map((v) => Math.round(v * 50)), [...BIG], 'int32');
        return values(tf.mul(tf.sub(tf.add(a, b), tf.scalar(3, 'int32')), b));
      }),
  },
  {
    // cpu's int32 → float32 Cast keeps the Int32Array, which the addon cannot read in place.
    name: 'float32 tensors from a widening Cast (≥ 16K elements)',
    only: 'cpu',
    run: () =>
      tf.tidy(() => {
        const a = tf.cast(tf.tensor4d(wave(sizeOf(BIG), 0.43).map((v) => Math.round(v * 100)), [...BIG], 'int32'), 'float32');
        return values(tf.add(a, big(0.29)), tf.relu(a), tf.sum(a, [0, 1, 2]));
      }),
  },
  { name: 'broadcast [128, 1] + [1, 128]', run: () => tf.tidy(() => values(tf.add(tf.tensor2d(wave(128, 0.3), [128, 1]), tf.tensor2d(wave(128, 0.7), [1, 128])))) },
  { name: 'broadcast [128, 1] · [1, 128]', run: () => tf.tidy(() => values(tf.mul(tf.tensor2d(wave(128, 0.3), [128, 1]), tf.tensor2d(wave(128, 0.7), [1, 128])))) },
  { name: 'scalar on the left of Sub and RealDiv', run: () => tf.tidy(() => values(tf.div(2, tf.sub(3, big())))) },
  { name: 'elementwise below 16K elements', run: () => tf.tidy(() => { const x = tf.tensor2d(wave(600, 0.4), [20, 30]); return values(tf.relu(x), tf.step(x, 0.1), tf.add(x, x), tf.div(x, 3)); }) },
  { name: 'Sum over trailing and middle axes', run: () => tf.tidy(() => values(tf.sum(big(), -1), tf.sum(big(), [1, 2]), tf.sum(big(), [0, 2], true))) },
  { name: 'Sum of int32', run: () => tf.tidy(() => values(tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0))) },
  { name: 'MaxPool 1×1 stride 1 (identity)', run: () => tf.tidy(() => values(tf.maxPool(tf.tensor4d(wave(2 * 5 * 5 * 3, 0.3), [2, 5, 5, 3]), 1, 1, 'valid'))) },
];

const reference = new Map<string, Outputs>();
let spy: ReturnType<typeof spyOnAddon>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const c of [...FALLBACK_CASES, ...KERNEL_CASES]) reference.set(c.name, c.run());
  spy = spyOnAddon();
});
afterAll(() => spy?.restore());

function checkWithoutAddon(c: FallbackCase): void {
  spy.reset();
  const before = tf.memory().numTensors;
  const actual = c.run();
  expect(tf.memory().numTensors).toBe(before);
  expect(relativeError(actual, reference.get(c.name)!)).toBeLessThan(1e-4);
  expect(spy.called()).toEqual([]);
}

describe.each(['wasm', 'cpu'] as const)('%s with native kernels registered', (backend) => {
  beforeAll(async () => {
    const choice = await selectBackend({ backend });
    if (backend === 'wasm') expect(choice.native?.active).toBe(true);
    else expect(registerNativeKernels('cpu').active).toBe(true);
  });

  it.each(FALLBACK_CASES.filter((c) => !c.only || c.only === backend).map((c) => [c.name, c] as const))('uncovered call falls back: %s', async (_name, c) => {
    await selectBackend({ backend });
    checkWithoutAddon(c);
  });

  describe('while setNativeKernelsEnabled(false)', () => {
    beforeAll(() => setNativeKernelsEnabled(false));
    afterAll(() => setNativeKernelsEnabled(true));
    it.each(KERNEL_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      await selectBackend({ backend });
      checkWithoutAddon(c);
    });
  });
});
