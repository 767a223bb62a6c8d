import * as tf from '@tensorflow/tfjs-core';
import type { FillMode, Interpolation } from './options.js';

export interface WarpOptions {
  interpolation: Interpolation;
  fillMode: FillMode;
  /** Value read for points outside the input (the whole of it in `'constant'` mode). */
  fillValue: number;
}

/** Map a coordinate into [0, len-1] like TensorFlow's `fill_mode`; `'constant'` leaves it alone. */
function mapCoord(coord: tf.Tensor, len: number, mode: FillMode): tf.Tensor {
  switch (mode) {
    case 'constant':
      return coord;
    case 'nearest':
      return tf.clipByValue(coord, 0, len - 1);
    case 'reflect': {
      // [dcba|abcd|dcba]: fold into one period of 2·len, mirror the upper half, clamp.
      const period = 2 * len;
      const m = tf.mod(coord, period);
      const folded = tf.where(tf.greaterEqual(m, len), tf.sub(period - 1, m), m);
      return tf.clipByValue(folded, 0, len - 1);
    }
  }
}

/**
 * `tf.image.transform` (projective transforms, output size = input size) built from basic ops —
 * mod, floor, gather — so it runs on every backend and matches TensorFlow's
 * `ImageProjectiveTransformV3` semantics: pixel centres at integer coordinates, bilinear weights
 * on the four neighbours with every neighbour outside the input read as `fillValue`, nearest by
 * rounding half up.
 */
export function gatherTransform(images: tf.Tensor4D, transforms: tf.Tensor2D, options: WarpOptions): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = images.shape;
    const image = tf.cast(images, 'float32');
    const t = transforms.shape[0] === 1 && n > 1 ? tf.tile(transforms, [n, 1]) : transforms;
    const col = (k: number): tf.Tensor => tf.reshape(tf.slice(t, [0, k], [n, 1]), [n, 1, 1]);
    const xs = tf.reshape(tf.range(0, w, 1, 'float32'), [1, 1, w]);
    const ys = tf.reshape(tf.range(0, h, 1, 'float32'), [1, h, 1]);
    const affine = (a: number, b: number, off: number): tf.Tensor =>
      tf.add(tf.add(tf.mul(col(a), xs), tf.mul(col(b), ys)), col(off));
    const projection = tf.add(tf.add(tf.mul(col(6), xs), tf.mul(col(7), ys)), 1);
    const inX = mapCoord(tf.div(affine(0, 1, 2), projection), w, options.fillMode);
    const inY = mapCoord(tf.div(affine(3, 4, 5), projection), h, options.fillMode);

    const flat = tf.reshape(image, [n * h * w, c]);
    const base = tf.reshape(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(h * w, 'int32')), [n, 1, 1]);
    const fill = tf.scalar(options.fillValue, 'float32');
    /** Pixel values at integer (x, y) [n, h, w], fillValue where outside the input. */
    const read = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => {
      const inside = tf.logicalAnd(
        tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, w - 1)),
        tf.logicalAnd(tf.greaterEqual(y, 0), tf.lessEqual(y, h - 1)),
      );
      const xi = tf.cast(tf.clipByValue(x, 0, w - 1), 'int32');
      const yi = tf.cast(tf.clipByValue(y, 0, h - 1), 'int32');
      const index = tf.reshape(tf.add(tf.add(tf.mul(yi, tf.scalar(w, 'int32')), xi), base), [-1]);
      const values = tf.reshape(tf.gather(flat, index), [n, h, w, c]);
      return tf.where(tf.broadcastTo(tf.expandDims(inside, 3), [n, h, w, c]), values, fill);
    };

    if (options.interpolation === 'nearest') {
      return read(tf.floor(tf.add(inX, 0.5)), tf.floor(tf.add(inY, 0.5))) as tf.Tensor4D;
    }
    const x0 = tf.floor(inX);
    const y0 = tf.floor(inY);
    const x1 = tf.add(x0, 1);
    const y1 = tf.add(y0, 1);
    const wx1 = tf.expandDims(tf.sub(inX, x0), 3);
    const wx0 = tf.expandDims(tf.sub(x1, inX), 3);
    const wy1 = tf.expandDims(tf.sub(inY, y0), 3);
    const wy0 = tf.expandDims(tf.sub(y1, inY), 3);
    const top = tf.add(tf.mul(wx0, read(x0, y0)), tf.mul(wx1, read(x1, y0)));
    const bottom = tf.add(tf.mul(wx0, read(x0, y1)), tf.mul(wx1, read(x1, y1)));
    return tf.add(tf.mul(wy0, top), tf.mul(wy1, bottom)) as tf.Tensor4D;
  });
}
