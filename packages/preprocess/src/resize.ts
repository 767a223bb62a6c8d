import * as tf from '@tensorflow/tfjs-core';
import { asBatch, spatialSize, toSize, type ImageTensor } from './image-tensor.js';

export interface ResizeOptions {
  /** 'bilinear' (default) or 'nearest'. */
  method?: 'bilinear' | 'nearest';
}

/**
 * torchvision `Resize(size)`: with one number the *shorter* side becomes `size` and the aspect
 * ratio is kept (the longer side is floor(size · long / short), as torchvision computes it); with
 * [h, w] the image is resized to exactly that. Bilinear with half-pixel centres, the
 * convention of OpenCV's INTER_LINEAR and PIL (no antialiasing filter when shrinking).
 */
export function resize<T extends ImageTensor>(image: T, size: number | readonly [number, number], options: ResizeOptions = {}): T {
  const [h, w] = spatialSize(image);
  let target: [number, number];
  if (typeof size === 'number') {
    toSize(size, 'resize');
    target = h <= w ? [size, Math.floor((size * w) / h)] : [Math.floor((size * h) / w), size];
  } else {
    target = toSize(size, 'resize');
  }
  return resizeTo(image, target, options);
}

/** Resize to exactly [height, width]. */
export function resizeTo<T extends ImageTensor>(image: T, size: number | readonly [number, number], options: ResizeOptions = {}): T {
  const target = toSize(size, 'resizeTo');
  const [h, w] = spatialSize(image);
  if (h === target[0] && w === target[1]) return tf.clone(image) as T;
  return asBatch(image, 'resizeTo', (batch) =>
    options.method === 'nearest'
      ? tf.image.resizeNearestNeighbor(batch, target, false, true)
      : tf.image.resizeBilinear(batch, target, false, true),
  );
}
