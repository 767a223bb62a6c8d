import * as tf from '@tensorflow/tfjs-core';
import { asBatch, spatialSize, toSize, type ImageTensor } from './image-tensor.js';

/**
 * torchvision `CenterCrop(size)`: the central [h, w] window, offsets round((H - h) / 2); a side
 * shorter than the crop is zero-padded first, as torchvision does.
 */
export function centerCrop<T extends ImageTensor>(image: T, size: number | readonly [number, number]): T {
  const [ch, cw] = toSize(size, 'centerCrop');
  const [h, w] = spatialSize(image);
  return asBatch(image, 'centerCrop', (batch) => {
    let x = batch;
    if (h < ch || w < cw) {
      const padH = Math.max(0, ch - h);
      const padW = Math.max(0, cw - w);
      x = tf.pad(x, [
        [0, 0],
        [Math.floor(padH / 2), padH - Math.floor(padH / 2)],
        [Math.floor(padW / 2), padW - Math.floor(padW / 2)],
        [0, 0],
      ]);
    }
    const H = x.shape[1];
    const W = x.shape[2];
    const top = Math.round((H - ch) / 2);
    const left = Math.round((W - cw) / 2);
    return tf.slice(x, [0, top, left, 0], [-1, ch, cw, -1]);
  });
}

