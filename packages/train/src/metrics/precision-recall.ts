import * as tf from '@tensorflow/tfjs-core';
import { classIndices, type Labels } from '../labels.js';

/**
 * Confusion counts of the positive class in one batch, float32 [3] = (tp, fp, fn). The positive
 * class is 1: for a single-logit model a sample is predicted positive when sigmoid(logit) >
 * threshold; for several outputs when the arg-max is class 1 (class 1 vs the rest, which for a
 * 2-class softmax model is the binary case). Labels: class indices [n], one-hot [n, k] (arg-max)
 * or a single column [n, 1]. Must run in a tidy (or dispose the result).
 */
export function precisionRecallCounts(labels: Labels, outputs: tf.Tensor, threshold = 0.5): tf.Tensor1D {
  return tf.tidy(() => {
    const predicted =
      outputs.rank === 2 && outputs.shape[1] !== 1
        ? tf.equal(tf.argMax(outputs, 1), 1)
        : tf.greater(tf.sigmoid(tf.reshape(outputs, [-1])), threshold);
    const truthIdx = labels.rank === 2 && labels.shape[1] === 1 ? tf.cast(tf.reshape(labels, [-1]), 'int32') : classIndices(labels);
    const truth = tf.equal(truthIdx, 1);
    const p = tf.cast(predicted, 'float32');
    const t = tf.cast(truth, 'float32');
    const tp = tf.sum(tf.mul(p, t));
    const fp = tf.sub(tf.sum(p), tp);
    const fn = tf.sub(tf.sum(t), tp);
    return tf.stack([tp, fp, fn]) as tf.Tensor1D;
  });
}

/**
 * Streaming precision and recall of class 1 over an epoch, as fastai's `Precision()` / `Recall()`
 * (sklearn `precision_score` / `recall_score`, average 'binary', pos_label 1) on all the
 * epoch's samples: counts are summed over batches, the ratio taken at the end (not a mean of
 * per-batch ratios). 0 when the denominator is 0 (sklearn's zero_division result, without the warning).
 */
export class StreamingPrecisionRecall {
  tp = 0;
  fp = 0;
  fn = 0;

  add(counts: ArrayLike<number>): void {
    this.tp += counts[0] as number;
    this.fp += counts[1] as number;
    this.fn += counts[2] as number;
  }

  precision(): number {
    return this.tp + this.fp === 0 ? 0 : this.tp / (this.tp + this.fp);
  }

  recall(): number {
    return this.tp + this.fn === 0 ? 0 : this.tp / (this.tp + this.fn);
  }

  reset(): void {
    this.tp = this.fp = this.fn = 0;
  }
}
