import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';

/** One image [h, w, c] or a batch [n, h, w, c]; every transform accepts both. */
export type ImageTensor = tf.Tensor3D | tf.Tensor4D;

/** Run `fn` on a 4-D view and give back the rank the caller passed in. */
export function asBatch<T extends ImageTensor>(image: T, name: string, fn: (batch: tf.Tensor4D) => tf.Tensor4D): T {
  if (image.rank !== 3 && image.rank !== 4) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `${name}: expected an image [h, w, c] or a batch [n, h, w, c], got shape [${image.shape.join(', ')}].`,
    );
  }
  return tf.tidy(() => {
    const batch = image.rank === 3 ? tf.expandDims(image as tf.Tensor3D, 0) : (image as tf.Tensor4D);
    const out = fn(batch as tf.Tensor4D);
    return (image.rank === 3 ? tf.squeeze(out, [0]) : out) as T;
  });
}

/** [height, width] of an image or batch. */
export function spatialSize(image: ImageTensor): [number, number] {
  const s = image.shape;
  return image.rank === 3 ? [s[0] as number, s[1] as number] : [s[1] as number, s[2] as number];
}

/** Normalise a size option: S → [S, S]. */
export function toSize(size: number | readonly [number, number], name: string): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0) {
    throw new CxrError('E_BAD_ARGUMENT', `${name}: size must be a positive integer or [height, width], got ${JSON.stringify(size)}.`);
  }
  return [h, w];
}
