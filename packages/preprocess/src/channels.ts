import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { asBatch, type ImageTensor } from './image-tensor.js';

/** ITU-R 601-2 luma, the weights PIL's `convert('L')` and OpenCV's RGB2GRAY use. */
const LUMA = [0.299, 0.587, 0.114];

/**
 * Convert to 1 (grayscale) or 3 (RGB) channels: gray → RGB tiles the channel (what models
 * pretrained on RGB need for X-rays), RGB → gray uses luma weights, an alpha channel is dropped.
 */
export function toChannels<T extends ImageTensor>(image: T, channels: 1 | 3): T {
  if (channels !== 1 && channels !== 3) {
    throw new CxrError('E_BAD_ARGUMENT', `toChannels: channels must be 1 or 3, got ${String(channels)}.`);
  }
  return asBatch(image, 'toChannels', (batch) => {
    const c = batch.shape[3];
    let x = batch;
    if (c === 4 || c === 2) x = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, c - 1]);
    const have = x.shape[3];
    if (have === channels) return tf.clone(x);
    if (have === 1 && channels === 3) return tf.tile(x, [1, 1, 1, 3]);
    if (have === 3 && channels === 1) return tf.sum(tf.mul(x, tf.tensor1d(LUMA)), 3, true) as tf.Tensor4D;
    throw new CxrError('E_SHAPE_MISMATCH', `toChannels: cannot convert ${c} channels to ${channels}.`);
  });
}
