import type * as tf from '@tensorflow/tfjs-core';
import { readGray8, saturateU8, writeGray8 } from './gray8.js';

const f32 = Math.fround;

/**
 * Global histogram equalisation, like OpenCV's `cv2.equalizeHist` (same LUT rule: the lowest
 * occupied grey level maps to 0, `lut[i] = round(cdf'(i) · 255 / (total − hist[min]))`).
 * Takes a uint8-valued single-channel image [h, w] / [h, w, 1] (int32 or float32, values 0…255)
 * or a batch [n, h, w, 1] (each image on its own) and returns the same shape and dtype.
 * Computed in plain TypeScript on the pixel data (reads it with `dataSync`).
 */
export function equalizeHist<T extends tf.Tensor>(image: T): T {
  const { data, count, height, width } = readGray8(image, 'equalizeHist');
  const area = height * width;
  const out = new Uint8Array(data.length);
  const hist = new Int32Array(256);
  const lut = new Uint8Array(256);
  for (let k = 0; k < count; k++) {
    const src = data.subarray(k * area, (k + 1) * area);
    const dst = out.subarray(k * area, (k + 1) * area);
    hist.fill(0);
    for (let p = 0; p < area; p++) hist[src[p] as number]!++;
    let i = 0;
    while (i < 255 && hist[i] === 0) i++;
    if (hist[i] === area) {
      dst.fill(i); // a constant image stays as it is, like OpenCV
      continue;
    }
    const scale = f32(255 / (area - (hist[i] as number)));
    let sum = 0;
    lut.fill(0);
    for (lut[i++] = 0; i < 256; i++) {
      sum += hist[i] as number;
      lut[i] = saturateU8(f32(sum * scale));
    }
    for (let p = 0; p < area; p++) dst[p] = lut[src[p] as number] as number;
  }
  return writeGray8(image, out) as T;
}
