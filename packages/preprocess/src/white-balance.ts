import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { asBatch, type ImageTensor } from './image-tensor.js';

export interface WhiteBalanceOptions {
  /**
   * Percent of pixels (per channel, at each end) that saturate: the stretch maps the
   * `percentile`-th and `(100 − percentile)`-th percentiles to 0 and 255 (default 0.05, i.e.
   * 0.05 %, as in the article). 0 ≤ percentile < 50.
   */
  percentile?: number;
  /** Output range: 255 (default, the article's uint8 values 0…255) or 1 (the same values / 255). */
  range?: 255 | 1;
  /** Truncate to whole grey levels like the article's `np.uint8(...)` (default true). */
  quantize?: boolean;
}

/** Linear-interpolation percentile positions, as NumPy's default `np.percentile` computes them. */
function percentileIndex(n: number, q: number): { lo: number; hi: number; t: number } {
  const v = (n - 1) * (q / 100);
  const lo = Math.floor(v);
  return { lo, hi: Math.min(lo + 1, n - 1), t: v - lo };
}

/** NumPy's `_lerp`: a + (b − a)·t, or b − (b − a)·(1 − t) for t ≥ 0.5. */
function lerp(a: tf.Tensor, b: tf.Tensor, t: number): tf.Tensor {
  const d = tf.sub(b, a);
  return t >= 0.5 ? tf.sub(b, tf.mul(d, 1 - t)) : tf.add(a, tf.mul(d, t));
}

/**
 * The article's white balance: every channel stretched on its own between its `p`-th and
 * `(100 − p)`-th percentiles (NumPy's linear-interpolation `np.percentile`), i.e.
 * `uint8(clip((C − P_p(C)) · 255 / (P_100−p(C) − P_p(C)), 0, 255))`. Input values in any range
 * (0…255 for the article's numbers), image [h, w, c] or batch [n, h, w, c], each image and channel
 * on its own; returns float32 in 0…255 (or 0…1 with `range: 1`). A flat channel
 * (both percentiles equal) gives 0, which is what the article's NaN becomes in `np.uint8`.
 * All tf ops (percentiles via `topk` of the few extreme values), no data read back.
 */
export function whiteBalance<T extends ImageTensor>(image: T, options: WhiteBalanceOptions = {}): T {
  const p = options.percentile ?? 0.05;
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p >= 50) {
    throw new CxrError('E_BAD_ARGUMENT', `whiteBalance: percentile must be in [0, 50), got ${String(p)}.`);
  }
  const range = options.range ?? 255;
  if (range !== 255 && range !== 1) {
    throw new CxrError('E_BAD_ARGUMENT', `whiteBalance: range must be 255 or 1, got ${String(range)}.`);
  }
  const quantize = options.quantize ?? true;
  return asBatch(image, 'whiteBalance', (batch) => {
    const [n, h, w, c] = batch.shape;
    const size = h * w;
    if (size === 0) throw new CxrError('E_SHAPE_MISMATCH', `whiteBalance: the image is empty ([${image.shape.join(', ')}]).`);
    const x = tf.cast(batch, 'float32');
    const perChannel = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n, c, size]);
    const low = percentileIndex(size, p);
    const high = percentileIndex(size, 100 - p);
    // Ascending order statistics from the bottom (topk of −x) and from the top (topk of x).
    const smallest = tf.neg(tf.topk(tf.neg(perChannel), low.hi + 1, true).values);
    const largest = tf.topk(perChannel, size - high.lo, true).values;
    const at = (sorted: tf.Tensor, k: number): tf.Tensor => tf.squeeze(tf.slice(sorted, [0, 0, k], [n, c, 1]), [2]);
    const mi = lerp(at(smallest, low.lo), at(smallest, low.hi), low.t);
    const ma = lerp(at(largest, size - 1 - high.lo), at(largest, size - 1 - high.hi), high.t);
    const lo4 = tf.reshape(mi, [n, 1, 1, c]);
    const diff = tf.reshape(tf.sub(ma, mi), [n, 1, 1, c]);
    // A flat channel divides by +∞ instead of 0, so it comes out 0.
    const span = tf.where(tf.greater(diff, 0), diff, tf.fill(diff.shape, Infinity));
    let out = tf.clipByValue(tf.div(tf.mul(tf.sub(x, lo4), 255), span), 0, 255);
    if (quantize) out = tf.floor(out);
    return (range === 1 ? tf.div(out, 255) : out) as tf.Tensor4D;
  });
}
