import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CxrError } from '@cxr/core';
import { fit, setLearningRate, type Callback } from '@cxr/train';
import { useBackend } from './helpers.js';
import { tinyData, tinyModel, tinyOptions, weightBytes } from './fixtures/tiny-run.js';

beforeAll(() => useBackend('cpu'));

async function rejection(p: Promise<unknown>): Promise<CxrError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(CxrError);
    return error as CxrError;
  }
  throw new Error('expected fit to reject');
}

/** Records the weights and the loss after every good step. */
function recorder(model: ReturnType<typeof tinyModel>) {
  const state = { weights: weightBytes(model), losses: [] as number[], steps: 0 };
  const callback: Callback = {
    onBatchEnd: (_b, logs) => {
      state.weights = weightBytes(model);
      state.losses.push(logs.loss);
      state.steps++;
    },
  };
  return { state, callback };
}

describe('NaN/Inf guard', () => {
  it('an update that overflows the weights (finite loss and gradients) is undone in the same batch', async () => {
    const model = tinyModel();
    const initial = weightBytes(model);
    // −lr overflows float32: the first update makes the weights ±Inf/NaN although loss and gradients are finite.
    const optimizer = tf.train.sgd(1e39);
    const before = tf.memory().numTensors;
    const error = await rejection(fit(model, tinyData(), { ...tinyOptions(3), optimizer }));
    expect(error.code).toBe('E_NOT_FINITE');
    expect(error.message).toMatch(/epoch 0, batch 0: .*update made a weight non-finite/);
    // Every weight, BatchNorm's moving statistics included, is as before the bad step.
    expect(weightBytes(model)).toEqual(initial);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    model.dispose();
  });

  it('a diverging learning rate stops within one batch with the last good weights and optimizer state', async () => {
    const model = tinyModel();
    const optimizer = tf.train.sgd(1);
    const { state, callback } = recorder(model);
    // An lr-finder-like sweep gone wild: ×100 per step until the run blows up.
    const sweep: Callback = { onBatchBegin: (_b, ctx) => setLearningRate(ctx.optimizer, 100 ** state.steps) };
    const error = await rejection(fit(model, tinyData(), { ...tinyOptions(20), optimizer, callbacks: [sweep, callback] }));
    expect(error.code).toBe('E_NOT_FINITE');
    expect(state.steps).toBeGreaterThan(0);
    // The failing batch is the one right after the last good step: nothing non-finite was ever applied.
    const [, epoch, batch] = /epoch (\d+), batch (\d+)/.exec(error.message) as RegExpExecArray;
    expect(Number(epoch) * 4 + Number(batch)).toBe(state.steps);
    expect(state.losses.every(Number.isFinite)).toBe(true);
    expect(weightBytes(model)).toEqual(state.weights);
    expect(weightBytes(model).every((w) => new Float32Array(w.buffer).every(Number.isFinite))).toBe(true);
    expect((optimizer as unknown as { iterations: number }).iterations).toBe(state.steps);
    optimizer.dispose();
    model.dispose();
  });

  it('a NaN batch (via augment) leaves the BatchNorm statistics of the last good step', async () => {
    const model = tinyModel();
    const { state, callback } = recorder(model);
    let calls = 0;
    const augment = (images: tf.Tensor4D) => (++calls === 3 ? tf.mul(images, Number.NaN) : tf.clone(images)) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const error = await rejection(fit(model, tinyData(), { ...tinyOptions(2), augment, callbacks: [callback] }));
    expect(error.code).toBe('E_NOT_FINITE');
    expect(error.message).toMatch(/epoch 0, batch 2: the loss is NaN/);
    expect(state.steps).toBe(2);
    expect(weightBytes(model)).toEqual(state.weights);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
