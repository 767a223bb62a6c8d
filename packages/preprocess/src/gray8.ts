import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';

/**
 * A uint8-valued single-channel image (or batch) read into plain arrays: the input side of the
 * OpenCV-style histogram operations (`clahe`, `equalizeHist`), which are computed in plain
 * TypeScript on the pixel data because they are integer histogram/LUT algorithms.
 */
export interface Gray8Batch {
  /** Pixels of all images, row-major, image after image. */
  data: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/** The image shapes accepted: [h, w], [h, w, 1] or a batch [n, h, w, 1]. */
export function readGray8(image: tf.Tensor, name: string): Gray8Batch {
  const s = image.shape;
  let count: number;
  let height: number;
  let width: number;
  if (image.rank === 2) [count, height, width] = [1, s[0] as number, s[1] as number];
  else if (image.rank === 3 && s[2] === 1) [count, height, width] = [1, s[0] as number, s[1] as number];
  else if (image.rank === 4 && s[3] === 1) [count, height, width] = [s[0] as number, s[1] as number, s[2] as number];
  else {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `${name}: expected a single-channel image [h, w] or [h, w, 1] (or a batch [n, h, w, 1]), got shape [${s.join(', ')}]` +
        (image.rank === 3 || image.rank === 4 ? ' — convert to grayscale first, e.g. toChannels(image, 1).' : '.'),
    );
  }
  if (image.dtype !== 'float32' && image.dtype !== 'int32') {
    throw new CxrError('E_BAD_ARGUMENT', `${name}: expected an int32 or float32 tensor with values 0…255, got dtype ${image.dtype}.`);
  }
  const values = image.dataSync() as Float32Array | Int32Array;
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
      throw new CxrError(
        'E_BAD_ARGUMENT',
        `${name}: expects uint8 values (integers 0…255) like OpenCV, found ${v} at flat index ${i}. ` +
          'For an image in [0, 1] pass tf.round(tf.mul(image, 255)).',
      );
    }
    data[i] = v;
  }
  return { data, count, height, width };
}

/** Pixels back into a tensor of the caller's shape and dtype. */
export function writeGray8(like: tf.Tensor, data: Uint8Array): tf.Tensor {
  return tf.tensor(like.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data), like.shape, like.dtype);
}

/** OpenCV's `saturate_cast<uchar>(float)`: round half to even (cvRound), then clamp to 0…255. */
export function saturateU8(v: number): number {
  let r = Math.round(v);
  if (r - v === 0.5 && r % 2 !== 0) r -= 1; // x.5 rounds to the even neighbour
  return r < 0 ? 0 : r > 255 ? 255 : r;
}
