import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { normalize } from './scale.js';
import type { ImageTensor } from './image-tensor.js';

/** fastai's / torchvision's `imagenet_stats`: per-channel RGB mean and std of ImageNet, for [0, 1] pixels. */
export const IMAGENET_STATS: { readonly mean: readonly [number, number, number]; readonly std: readonly [number, number, number] } = Object.freeze({
  mean: Object.freeze([0.485, 0.456, 0.406] as [number, number, number]),
  std: Object.freeze([0.229, 0.224, 0.225] as [number, number, number]),
});

function checkChannels(image: ImageTensor, stats: readonly number[], name: string): void {
  if (!(image instanceof tf.Tensor) || (image.rank !== 3 && image.rank !== 4)) {
    throw new CxrError('E_SHAPE_MISMATCH', `${name}: expected an image [h, w, c] or a batch [n, h, w, c], got ${image instanceof tf.Tensor ? `shape [${image.shape.join(', ')}]` : String(image)}.`);
  }
  const c = image.shape[image.rank - 1];
  if (c !== stats.length) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `${name}: the image has ${c} channel(s) but the statistics have ${stats.length}` +
        (c === 1 ? ': convert grayscale X-rays with toChannels(image, 3) first (broadcasting would silently make 3 channels).' : '.'),
    );
  }
}

/**
 * fastai's `normalize(imagenet_stats)` (`ImageDataBunch(...).normalize(imagenet_stats)`): (x − mean) / std per
 * channel on RGB pixels in [0, 1] (`toFloat` first). The image must have 3 channels.
 */
export function normalizeImagenet<T extends ImageTensor>(image: T): T {
  checkChannels(image, IMAGENET_STATS.mean, 'normalizeImagenet');
  return normalize(image, IMAGENET_STATS.mean, IMAGENET_STATS.std);
}

/**
 * The inverse of `normalize`: x · std + mean per channel (ImageNet statistics by default), to show a
 * normalised batch as fastai's `show_batch` does. Values are not clipped; `writeImageGrid` and friends clip to [0, 1].
 */
export function denormalize<T extends ImageTensor>(
  image: T,
  mean: readonly number[] = IMAGENET_STATS.mean,
  std: readonly number[] = IMAGENET_STATS.std,
): T {
  if (mean.length !== std.length) throw new CxrError('E_BAD_ARGUMENT', `denormalize: mean has ${mean.length} values but std has ${std.length}.`);
  checkChannels(image, mean, 'denormalize');
  return tf.tidy(() => tf.add(tf.mul(image, tf.tensor1d(std as number[])), tf.tensor1d(mean as number[])) as T);
}
