import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fit, getLearningRate, reduceLROnPlateau, setLearningRate, type Callback, type ReduceLROnPlateauOptions } from '@cxr/train';
import { useBackend } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const data = () => ({
  *[Symbol.iterator]() {
    yield { images: tf.zeros([2, 4, 4, 1]) as tf.Tensor4D, labels: tf.tensor1d([0, 1], 'int32') };
  },
});

function tinyModel(): tfl.LayersModel {
  return tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [4, 4, 1] }), tfl.layers.dense({ units: 1, kernelInitializer: 'zeros' })] });
}

/** Train with a scripted `score`, returning the learning rate of each epoch as the optimizer had it after the callbacks. */
async function run(values: number[], options: ReduceLROnPlateauOptions, optimizer: tf.Optimizer = tf.train.sgd(1)) {
  const model = tinyModel();
  const rlrop = reduceLROnPlateau({ monitor: 'score', mode: 'min', ...options });
  const after: number[] = [];
  const seenLr: number[] = [];
  const script: Callback = { onEpochEnd: (epoch, logs) => void (logs['score'] = values[epoch] as number) };
  const probe: Callback = {
    onEpochEnd: (_epoch, logs, ctx) => {
      seenLr.push(logs['lr'] as number);
      after.push(getLearningRate(ctx.optimizer));
    },
  };
  const history = await fit(model, data(), { epochs: values.length, optimizer, seed: 1, callbacks: [script, rlrop, probe] });
  model.dispose();
  optimizer.dispose();
  return { rlrop, history, after, seenLr };
}

describe('reduceLROnPlateau', () => {
  it('reduces after `patience` epochs without improvement, logs the epoch’s lr like Keras', async () => {
    const values = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85];
    const { rlrop, history, after, seenLr } = await run(values, { factor: 0.5, patience: 2 });
    expect(rlrop.reductions.map((r) => r.epoch)).toEqual([3, 7, 9]);
    expect(rlrop.reductions.map((r) => r.to)).toEqual([0.5, 0.25, 0.125]);
    // `lr` = the rate the epoch trained with (Keras logs it before reducing)
    expect(history.history['lr']).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
    expect(seenLr).toEqual(history.history['lr']);
    expect(after).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125]);
    expect(rlrop.best).toBe(0.8);
  });

  it('minDelta: a smaller change is not an improvement', async () => {
    const { rlrop } = await run([1.0, 0.95, 0.91, 0.5], { factor: 0.5, patience: 2, minDelta: 0.1 });
    expect(rlrop.reductions.map((r) => r.epoch)).toEqual([2]);
  });

  it('respects cooldown (the wait counter stays 0 during it)', async () => {
    const { rlrop } = await run([1, 1, 1, 1, 1, 1, 1, 1], { factor: 0.5, patience: 1, cooldown: 2 });
    expect(rlrop.reductions.map((r) => r.epoch)).toEqual([1, 3, 5, 7]);
    const { rlrop: none } = await run([1, 1, 1, 1, 1, 1], { factor: 0.5, patience: 1, cooldown: 0 });
    expect(none.reductions.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5]);
  });

  it('never goes below minLr and stops reducing there', async () => {
    const { rlrop, after } = await run([1, 1, 1, 1, 1], { factor: 0.1, patience: 1, minLr: 0.05 });
    expect(rlrop.reductions).toEqual([
      { epoch: 1, from: 1, to: expect.closeTo(0.1, 12) },
      { epoch: 2, from: expect.closeTo(0.1, 12), to: 0.05 },
    ]);
    expect(after.at(-1)).toBe(0.05);
  });

  it("mode 'auto' maximises accuracy-like metrics; works on Adam; state resets per run", async () => {
    expect(reduceLROnPlateau({ monitor: 'val_accuracy' }).mode).toBe('max');
    expect(reduceLROnPlateau().mode).toBe('min');
    const adam = tf.train.adam(0.01);
    const { rlrop, after } = await run([0.5, 0.6, 0.6, 0.6], { mode: 'max', factor: 0.5, patience: 2 }, adam);
    expect(rlrop.reductions.map((r) => r.epoch)).toEqual([3]);
    expect(after.at(-1)).toBeCloseTo(0.005, 12);
  });

  it('the reduced rate is the one the next steps use (SGD caches −lr as a tensor)', () => {
    const sgd = tf.train.sgd(1);
    const v = tf.variable(tf.scalar(0));
    const step = () => sgd.minimize(() => tf.mul(v, 1) as tf.Scalar);
    step();
    expect(v.dataSync()[0]).toBeCloseTo(-1, 6);
    setLearningRate(sgd, 0.25);
    step();
    expect(v.dataSync()[0]).toBeCloseTo(-1.25, 6);
    sgd.dispose();
    v.dispose();
  });

  it('rejects bad options', () => {
    expect(() => reduceLROnPlateau({ factor: 1 })).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => reduceLROnPlateau({ patience: -1 })).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => reduceLROnPlateau({ minLr: -1 })).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});
