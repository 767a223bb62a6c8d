import * as tf from '@tensorflow/tfjs-core';
import { CxrError, createRng } from '@cxr/core';
import { asBatch, spatialSize, type ImageTensor } from '../image-tensor.js';
import { affineTransformVector } from './matrix.js';
import { isIdentityConfig, resolveAugmentOptions, type AugmentConfig, type AugmentOptions } from './options.js';
import { drawAffineParams, type AffineParams } from './params.js';
import { warpImages } from './warp.js';

/** Augment a batch: same seed → same output; a new seed per batch (e.g. from `rng.seed()`). */
export type Augmenter = <T extends ImageTensor>(images: T, seed: number) => T;

/**
 * Keras `ImageDataGenerator`-style random augmentation as tf ops. Each image of a batch gets its
 * own random affine transform (rotation, shift, shear, zoom around the image centre, then flips),
 * drawn from `createRng(seed)` in plain JS — so the same seed gives the same transforms on every
 * backend — and the whole batch is warped in one call.
 */
export class ImageAugmenter {
  readonly config: Readonly<AugmentConfig>;

  constructor(options: AugmentOptions = {}) {
    this.config = Object.freeze(resolveAugmentOptions(options));
  }

  /** True when every option is off: `apply` returns a copy of its input. */
  get isIdentity(): boolean {
    return isIdentityConfig(this.config);
  }

  /** The per-image parameters `apply(images, seed)` uses for a batch of `n` images of h×w. */
  params(n: number, seed: number, height: number, width: number): AffineParams[] {
    if (!Number.isFinite(seed)) throw new CxrError('E_BAD_ARGUMENT', `randomAugment: seed must be a finite number, got ${seed}.`);
    const rng = createRng(seed);
    return Array.from({ length: n }, () => drawAffineParams(rng, this.config, height, width));
  }

  /** Augment an image [h, w, c] or a batch [n, h, w, c]; float32 out, input left as is. */
  apply<T extends ImageTensor>(images: T, seed: number): T {
    const [h, w] = spatialSize(images);
    return asBatch(images, 'randomAugment', (batch) => {
      const n = batch.shape[0];
      const params = this.params(n, seed, h, w);
      if (this.isIdentity) return tf.cast(batch, 'float32');
      const transforms = tf.tensor2d(params.flatMap((p) => affineTransformVector(p, h, w)), [n, 8], 'float32');
      const { interpolation, fillMode, cval } = this.config;
      // Outside 'constant' mode every coordinate is folded into the image first; the fill value
      // is then only read with weight 0 by bilinear sampling at the last row/column.
      return warpImages(batch, transforms, { interpolation, fillMode, fillValue: fillMode === 'constant' ? cval : 0 }, this.config.sampler);
    });
  }
}

/** `randomAugment(options)(images, seed)`: the function form of {@link ImageAugmenter}. */
export function randomAugment(options: AugmentOptions = {}): Augmenter {
  const augmenter = new ImageAugmenter(options);
  return (images, seed) => augmenter.apply(images, seed);
}
