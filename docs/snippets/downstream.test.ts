// How to test your own tfjs code with @cxr/testing (this file runs in our CI like yours would).
// #region usage
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@cxr/core';
import { cxrMatchers, expectNoLeaks, phantomFixture, pretrainedPhantomModel } from '@cxr/testing';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  expect.extend(cxrMatchers); // toBeCloseTensor, toHaveShape
});

/** Your code under test: a preprocessing step. */
const invert = (images: tf.Tensor4D) => tf.tidy(() => tf.sub(1, images) as tf.Tensor4D);

describe('my pipeline', () => {
  it('inverts images without leaking tensors', async () => {
    for await (const { images, labels } of phantomFixture().batch(4)) {
      await expectNoLeaks(() => invert(images).dispose(), { runs: 3 });
      const twice = invert(invert(images));
      expect(twice).toHaveShape([4, 32, 32, 3]);
      expect(twice).toBeCloseTensor(images, 1e-6);
      tf.dispose([images, labels, twice]);
    }
  });

  it('serves predictions from a model that already works', () => {
    const model = pretrainedPhantomModel(); // 32 × 32 RGB, classes COVID19, NORMAL
    const probs = tf.tidy(() => model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor);
    expect(probs).toHaveShape([2, 2]);
    expect(tf.sum(probs, 1)).toBeCloseTensor([1, 1], 1e-5);
    model.dispose();
  });
});
// #endregion usage
