import * as tf from '@tensorflow/tfjs-core';
import type { ImageTensor } from './image-tensor.js';

/**
 * torchvision `ToTensor()` scaling: uint8-valued pixels (0…255, any dtype) → float32 in [0, 1].
 * Pass `from` for other ranges, e.g. 65535 for 16-bit images.
 */
export function toFloat<T extends ImageTensor>(image: T, options: { from?: number } = {}): T {
  const from = options.from ?? 255;
  return tf.tidy(() => tf.div(tf.cast(image, 'float32'), from) as T);
}

/** Per-channel (x - mean) / std, e.g. ImageNet statistics for a pretrained backbone. */
export function normalize<T extends ImageTensor>(image: T, mean: readonly number[], std: readonly number[]): T {
  return tf.tidy(() => tf.div(tf.sub(image, tf.tensor1d(mean as number[])), tf.tensor1d(std as number[])) as T);
}
