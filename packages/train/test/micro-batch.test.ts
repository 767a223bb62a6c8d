import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { fit, type FitOptions } from '@cxr/train';
import { expectNoLeaks } from '@cxr/testing';
import { brightDark, sampleDataset, useBackend } from './helpers.js';

beforeAll(() => useBackend('cpu'));

const SIDE = 8;

/** Conv · flatten · softmax Dense: no BatchNorm or Dropout, so slicing must not change the maths. */
function net(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [SIDE, SIDE, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

async function train(options: Partial<FitOptions>): Promise<{ weights: Float32Array[]; loss: number[]; accuracy: number[] }> {
  const model = net();
  try {
    const history = await fit(model, sampleDataset(brightDark(20, SIDE, 3)), {
      epochs: 2,
      batchSize: 8, // 8, 8, 4 per epoch
      optimizer: 'sgd',
      learningRate: 0.1,
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy', 'auc'],
      seed: 5,
      ...options,
    });
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    return { weights, loss: history.history['loss'] as number[], accuracy: history.history['accuracy'] as number[] };
  } finally {
    model.dispose();
  }
}

const maxDiff = (a: Float32Array[], b: Float32Array[]) =>
  Math.max(...a.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - ((b[i] as Float32Array)[j] as number))))));

describe('fit({ microBatchSize }) — gradient accumulation', () => {
  it('trains to the same weights, loss and metrics as whole batches (uneven slices 3 + 3 + 2, class weights, label smoothing)', async () => {
    const extra = { classWeight: { 0: 2, 1: 0.5 }, labelSmoothing: 0.1 } as const;
    const whole = await train(extra);
    const sliced = await train({ ...extra, microBatchSize: 3 });
    expect(maxDiff(whole.weights, sliced.weights)).toBeLessThan(1e-5);
    sliced.loss.forEach((l, i) => expect(l).toBeCloseTo(whole.loss[i] as number, 5));
    expect(sliced.accuracy).toEqual(whole.accuracy);
    // The comparison can fail: a different slicing of the learning rate changes the weights.
    const other = await train({ ...extra, learningRate: 0.2 });
    expect(maxDiff(whole.weights, other.weights)).toBeGreaterThan(1e-3);
  });

  it('is bit-identical to no slicing when the slice covers the batch', async () => {
    const whole = await train({});
    const same = await train({ microBatchSize: 8 });
    expect(maxDiff(whole.weights, same.weights)).toBe(0);
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() => train({ microBatchSize: 3 }), { warmup: true, runs: 2 });
  });

  it('rejects a microBatchSize that is not a positive integer with a coded error', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await expect(train({ microBatchSize: bad })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    }
  });
});
