import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@cxr/core';
import { phantomDataset } from '@cxr/data';
import { PRETRAINED_PHANTOM, expectNoLeaks, phantomFixture, pretrainedPhantomModel } from '@cxr/testing';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

/** Arg-max predictions and true labels of `model` over every image of a dataset, in one batch. */
async function classify(model: ReturnType<typeof pretrainedPhantomModel>, data: ReturnType<typeof phantomFixture>) {
  for await (const batch of data.batch(data.size)) {
    const predicted = tf.tidy(() => tf.argMax(model.predict(batch.images) as tf.Tensor, -1));
    const result = { predicted: Array.from(await predicted.data()), labels: Array.from(await batch.labels.data()) };
    tf.dispose([predicted, batch.images, batch.labels]);
    return result;
  }
  throw new Error('empty dataset');
}

describe('pretrainedPhantomModel', () => {
  it('classifies phantom images it was not trained on far above chance', async () => {
    const model = pretrainedPhantomModel();
    // Trained on seed 1, split 'train'; these are other draws (seed 0 test split, seed 5).
    for (const data of [phantomFixture({ perClass: 24, split: 'test' }), phantomDataset({ perClass: 24, imageSize: 32, seed: 5 })]) {
      const { predicted, labels } = await classify(model, data);
      expect(new Set(labels)).toEqual(new Set([0, 1]));
      const accuracy = predicted.filter((p, i) => p === labels[i]).length / labels.length;
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
    }
    model.dispose();
  });

  it('matches the documented input shape and classes', () => {
    const model = pretrainedPhantomModel();
    expect(model.inputs[0]!.shape).toEqual([null, ...PRETRAINED_PHANTOM.inputShape]);
    expect(model.outputs[0]!.shape).toEqual([null, PRETRAINED_PHANTOM.classes.length]);
    expect(phantomFixture().classes).toEqual([...PRETRAINED_PHANTOM.classes]);
    model.dispose();
  });

  it('returns independent models: training one leaves the next untouched', () => {
    const a = pretrainedPhantomModel();
    const b = pretrainedPhantomModel();
    const [kernel, bias] = a.getLayer('probs').getWeights() as [tf.Tensor, tf.Tensor];
    const zeros = tf.zerosLike(kernel);
    a.getLayer('probs').setWeights([zeros, bias]);
    zeros.dispose();
    expect(Math.max(...(a.getLayer('probs').getWeights()[0]!.dataSync()))).toBe(0);
    const fresh = pretrainedPhantomModel();
    expect(b.getLayer('probs').getWeights()[0]!.arraySync()).toEqual(fresh.getLayer('probs').getWeights()[0]!.arraySync());
    [a, b, fresh].forEach((m) => m.dispose());
  });

  it('creating, using and disposing it leaks no tensor', async () => {
    await expectNoLeaks(() => {
      const model = pretrainedPhantomModel();
      tf.tidy(() => {
        model.predict(tf.zeros([1, ...PRETRAINED_PHANTOM.inputShape]));
      });
      model.dispose();
    }, { runs: 2 });
  });
});
