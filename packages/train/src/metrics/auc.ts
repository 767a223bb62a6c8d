import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { KERAS_EPSILON } from '../losses/categorical-crossentropy.js';

/**
 * The thresholds of `tf.keras.metrics.AUC(num_thresholds)`: −ε, then (i+1)/(T−1) for
 * i < T−2, then 1+ε (ε = 1e-7), so that scores of exactly 0 and 1 are covered.
 */
export function kerasThresholds(numThresholds = 200): number[] {
  if (!Number.isInteger(numThresholds) || numThresholds < 2) {
    throw new CxrError('E_BAD_ARGUMENT', `AUC: numThresholds must be an integer ≥ 2, got ${numThresholds}.`);
  }
  const inner = Array.from({ length: numThresholds - 2 }, (_, i) => (i + 1) / (numThresholds - 1));
  return [0 - KERAS_EPSILON, ...inner, 1 + KERAS_EPSILON];
}

const divideNoNan = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * Streaming ROC AUC defined as `tf.keras.metrics.AUC()` does by default (curve 'ROC',
 * summation 'interpolation', 200 thresholds, multi_label=False): targets and scores are
 * flattened (so one-hot labels of a k-class model give the micro-averaged one-vs-rest curve),
 * true/false positives/negatives are accumulated at each threshold (score > threshold is
 * positive), and the area is the trapezoid sum over (FPR, TPR) points. It is an
 * approximation of the exact ROC AUC, equal to it when no two distinct scores fall between
 * the same pair of adjacent thresholds.
 *
 * Usage: `counts = auc.batchCounts(targets, scores)` inside a tidy (a [4, T] tensor: tp, fp, tn,
 * fn), read it with the step's other values, then `auc.add(await counts.data())`.
 */
export class StreamingAuc {
  readonly thresholds: readonly number[];
  private readonly tp: Float64Array;
  private readonly fp: Float64Array;
  private readonly tn: Float64Array;
  private readonly fn: Float64Array;

  constructor(numThresholds = 200) {
    this.thresholds = kerasThresholds(numThresholds);
    const T = this.thresholds.length;
    [this.tp, this.fp, this.tn, this.fn] = [new Float64Array(T), new Float64Array(T), new Float64Array(T), new Float64Array(T)];
  }

  /** Confusion counts of one batch at every threshold, [4, T] float32 (tp, fp, tn, fn). Targets in {0, 1}, any shape matching scores. */
  batchCounts(targets: tf.Tensor, scores: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const y = tf.reshape(tf.cast(targets, 'float32'), [1, -1]);
      const p = tf.reshape(tf.cast(scores, 'float32'), [-1, 1]);
      const m = p.shape[0] as number;
      const predictedPositive = tf.cast(tf.greater(p, tf.tensor2d([this.thresholds as number[]], [1, this.thresholds.length])), 'float32');
      const tp = tf.reshape(tf.matMul(y, predictedPositive), [-1]);
      const fp = tf.sub(tf.sum(predictedPositive, 0), tp);
      const positives = tf.sum(y);
      const fn = tf.sub(positives, tp);
      const tn = tf.sub(tf.sub(m, positives), fp);
      return tf.stack([tp, fp, tn, fn]) as tf.Tensor2D;
    });
  }

  /** Add one batch's counts (the data of `batchCounts`). */
  add(counts: ArrayLike<number>): void {
    const T = this.thresholds.length;
    for (let t = 0; t < T; t++) {
      this.tp[t] = (this.tp[t] as number) + (counts[t] as number);
      this.fp[t] = (this.fp[t] as number) + (counts[T + t] as number);
      this.tn[t] = (this.tn[t] as number) + (counts[2 * T + t] as number);
      this.fn[t] = (this.fn[t] as number) + (counts[3 * T + t] as number);
    }
  }

  /** The area so far (0 before any sample, as Keras' divide_no_nan gives). */
  result(): number {
    const T = this.thresholds.length;
    let area = 0;
    for (let t = 0; t < T - 1; t++) {
      const x0 = divideNoNan(this.fp[t] as number, (this.fp[t] as number) + (this.tn[t] as number));
      const x1 = divideNoNan(this.fp[t + 1] as number, (this.fp[t + 1] as number) + (this.tn[t + 1] as number));
      const y0 = divideNoNan(this.tp[t] as number, (this.tp[t] as number) + (this.fn[t] as number));
      const y1 = divideNoNan(this.tp[t + 1] as number, (this.tp[t + 1] as number) + (this.fn[t + 1] as number));
      area += (x0 - x1) * ((y0 + y1) / 2);
    }
    return area;
  }

  reset(): void {
    for (const a of [this.tp, this.fp, this.tn, this.fn]) a.fill(0);
  }
}
