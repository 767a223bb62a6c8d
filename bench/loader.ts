/**
 * Input-pipeline throughput: PNG decode (sharp) + resize/centre-crop + Keras-style augmentation,
 * alone; and the same loader feeding training steps of model A, whose decodes (prefetched by
 * the dataset, on libuv's threads) overlap each synchronous training step.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imageFolder, writePhantomFolder } from '../packages/data/src/node.js';
import { randomAugment } from '../packages/preprocess/src/index.js';
import { MODELS } from './models.js';

export interface LoaderFigures {
  /** Images/s of decode + resize + augment + batching alone. */
  loaderImagesPerSec: number;
  /** Images/s of training model A fed by that loader (prefetching). */
  trainWithLoaderImagesPerSec: number;
  /** Images per timed loader pass / per timed training pass. */
  images: number;
  trainImages: number;
}

/** `trainImages`: images per training pass (training is far slower than loading). */
export async function measureLoader(batch: number, imagesPerClass: number, trainImages: number): Promise<LoaderFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'cxr-bench-'));
  try {
    const folder = await writePhantomFolder(dir, { train: imagesPerClass, test: 1, imageSize: 256, channels: 3, seed: 1 });
    const dataset = await imageFolder(folder.train, { imageSize: 224, channels: 3, seed: 1 });
    const augment = randomAugment({ rotationRange: 10, zoomRange: 0.1, horizontalFlip: true });
    let seed = 0;
    const pass = async (onBatch: (x: tf.Tensor4D, y: tf.Tensor) => void, limit = Infinity): Promise<number> => {
      let images = 0;
      for await (const b of (limit < dataset.size ? dataset.take(limit) : dataset).batch(batch)) {
        const x = augment(b.images, seed++) as tf.Tensor4D;
        const y = tf.tidy(() => tf.reshape(tf.cast(b.labels, 'float32'), [-1, 1]));
        onBatch(x, y);
        images += x.shape[0];
        tf.dispose([x, y, b.images, b.labels]);
      }
      return images;
    };
    await pass((x) => void x.dataSync()); // warm-up: file cache, kernels
    let t0 = performance.now();
    const images = await pass((x) => void x.dataSync());
    const loaderImagesPerSec = images / ((performance.now() - t0) / 1000);

    const model = MODELS.A;
    const net = model.build();
    const optimizer = tf.train.adam(1e-3);
    const train = (x: tf.Tensor4D, y: tf.Tensor) => {
      const loss = optimizer.minimize(() => model.loss(net.apply(x, { training: true }) as tf.Tensor, y), true) as tf.Scalar;
      loss.dataSync();
      loss.dispose();
    };
    await pass(train, trainImages);
    t0 = performance.now();
    const trained = await pass(train, trainImages);
    const trainWithLoaderImagesPerSec = trained / ((performance.now() - t0) / 1000);
    optimizer.dispose();
    net.dispose();
    return { loaderImagesPerSec, trainWithLoaderImagesPerSec, images, trainImages: trained };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
