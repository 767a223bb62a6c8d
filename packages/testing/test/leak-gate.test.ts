// The tensor-leak gate: every long-running cxr API runs 100 steps inside expectNoLeaks on each
// Node backend, and tf.memory().numTensors must come back to where it was.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@cxr/core';
import { phantomDataset } from '@cxr/data';
import { gradCam } from '@cxr/explain';
import { denseEnsemble, probabilityEnsemble } from '@cxr/models';
import { ImageAugmenter, randomAugment } from '@cxr/preprocess';
import { evaluate, fit, lrFind, predict } from '@cxr/train';
import { expectNoLeaks } from '@cxr/testing';

const STEPS = 100;
const SIDE = 16;
/** 200 phantoms in batches of 2: 100 steps per pass. */
const data = () => phantomDataset({ perClass: STEPS, imageSize: SIDE, channels: 1, seed: 1 });
const BATCH = 2;
/** A few steps first, so kernels' lazily created constants are not counted as leaks. */
const warmupData = () => phantomDataset({ perClass: 2, imageSize: SIDE, channels: 1, seed: 4 });

/** Conv + BatchNorm + Dropout + softmax: every kind of layer state a leak could hide in. */
function net(seed: number): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed * 10 + k });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [SIDE, SIDE, 1], filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.batchNormalization(),
      tfl.layers.flatten(),
      tfl.layers.dropout({ rate: 0.2 }),
      tfl.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init(2) }),
      tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
}

const common = { batchSize: BATCH, loss: 'categoricalCrossentropy', seed: 3 } as const;

describe.each(['cpu', 'wasm'] as const)('leak gate on %s: 100 steps leave numTensors unchanged', (backend) => {
  it('fit (with augmentation and validation), evaluate, predict', async () => {
    await selectBackend({ backend });
    const model = net(1);
    const augment = randomAugment({ rotationRange: 10, zoomRange: 0.1, horizontalFlip: true });
    const validationData = phantomDataset({ perClass: 2, imageSize: SIDE, channels: 1, seed: 2 });
    await fit(model, warmupData(), { ...common, epochs: 1, augment, validationData });
    let steps = 0;
    await expectNoLeaks(() =>
      fit(model, data(), { ...common, epochs: 1, augment, validationData, callbacks: [{ onBatchEnd: () => void steps++ }] }),
    );
    expect(steps).toBe(STEPS);
    const evaluated = await expectNoLeaks(() => evaluate(model, data(), common));
    expect(evaluated.runs).toBe(1);
    let predicted = 0;
    await expectNoLeaks(async () => {
      predicted = (await predict(model, data(), { batchSize: BATCH })).predictions.length;
    });
    expect(predicted).toBe(2 * STEPS);
    model.dispose();
  });

  it('lrFind (its own optimizer and a caller-owned one)', async () => {
    await selectBackend({ backend });
    const model = net(2);
    const optimizer = tf.train.adam(1e-3);
    await lrFind(model, warmupData(), { ...common, numIt: 6, optimizer });
    const sweep = { ...common, numIt: STEPS, endLr: 1e-2, stopDiv: false };
    const own = await expectNoLeaks(async () => expect((await lrFind(model, data(), sweep)).lrs).toHaveLength(STEPS));
    expect(own.runs).toBe(1);
    await expectNoLeaks(() => lrFind(model, data(), { ...sweep, optimizer }));
    optimizer.dispose();
    model.dispose();
  });

  it('Grad-CAM', async () => {
    await selectBackend({ backend });
    const model = net(3);
    const images = tf.randomUniform([2, SIDE, SIDE, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    await expectNoLeaks(() => tf.dispose(gradCam(model, images, { resize: true })), { warmup: true, runs: STEPS });
    images.dispose();
    model.dispose();
  });

  it('augmentation (randomAugment and ImageAugmenter)', async () => {
    await selectBackend({ backend });
    const images = tf.randomUniform([4, SIDE, SIDE, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
    const augment = randomAugment({ rotationRange: 20, widthShiftRange: 0.1, shearRange: 5, zoomRange: 0.2, horizontalFlip: true });
    const augmenter = new ImageAugmenter({ rotationRange: 15, fillMode: 'reflect' });
    let seed = 0;
    await expectNoLeaks(() => tf.dispose([augment(images, seed++), augmenter.apply(images, seed++)]), { warmup: true, runs: STEPS });
    images.dispose();
  });

  it('ensembles (probability- and dense-level): training and inference', async () => {
    await selectBackend({ backend });
    // An ensemble owns its members: disposing it disposes them.
    for (const ensemble of [probabilityEnsemble([net(4), net(5)], { seed: 1 }), denseEnsemble([net(6), net(7)], { seed: 1 })]) {
      await fit(ensemble, warmupData(), { ...common, epochs: 1 });
      await expectNoLeaks(() => fit(ensemble, data(), { ...common, epochs: 1 }));
      await expectNoLeaks(() => predict(ensemble, data(), { batchSize: BATCH }));
      ensemble.dispose();
    }
  });
});
