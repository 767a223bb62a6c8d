import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { covidCnn } from '@cxr/models';
import { evaluate, fit, predict } from '@cxr/train';
import { batches, brightDark, sampleDataset, useBackend } from './helpers.js';

// tfjs-backend-wasm initialises in Node (it reads its .wasm from node_modules); @cxr/core's
// selectBackend adds the Conv2DBackpropFilter kernel that stock wasm lacks, so it can train.
beforeAll(() => useBackend('wasm'));

describe('fit on wasm', () => {
  it('runs on the wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  it('learns bright vs dark (covidCnn 16×16) and leaks nothing', async () => {
    const model = covidCnn({ inputShape: [16, 16, 3], seed: 1 });
    const val = batches(brightDark(16, 16, 2), 8);
    const before = tf.memory().numTensors;
    const history = await fit(model, sampleDataset(brightDark(32, 16, 1)), {
      epochs: 5,
      batchSize: 8,
      seed: 3,
      // The article's lr 0.01 spikes once the loss nears 0 (as its own loss curve does); 0.003 is steady here.
      learningRate: 0.003,
      validationData: val,
    });
    expect(tf.memory().numTensors).toBe(before);
    const { loss, val_accuracy } = history.history;
    expect(loss.at(-1)).toBeLessThan(0.5 * (loss[0] as number));
    expect(val_accuracy?.at(-1)).toBe(1);
    const [e, p] = [await evaluate(model, val), await predict(model, val)];
    expect(e.accuracy).toBe(1);
    expect(p.scores.every((s, i) => Number(s > 0.5) === p.labels[i])).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
