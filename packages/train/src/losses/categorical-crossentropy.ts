import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { reduceLoss } from './reduce.js';

/** Keras `backend.epsilon()`: probabilities are clipped to [ε, 1 − ε] before the log. */
export const KERAS_EPSILON = 1e-7;

export interface CategoricalCrossentropyOptions {
  /** The outputs are logits (Keras `from_logits=True`); default false: softmax probabilities. */
  fromLogits?: boolean;
  /** 'mean' over the batch (default, Keras `sum_over_batch_size`), 'sum', or 'none' for one loss per sample. */
  reduction?: 'mean' | 'sum' | 'none';
  /**
   * Keras `label_smoothing` ε in [0, 1]: the targets become y·(1 − ε) + ε/K (K = number of
   * classes, the width of `outputs`) before the loss. Default 0.
   */
  labelSmoothing?: number;
}

/** Keras' categorical label smoothing: y·(1 − ε) + ε/K. Must run in a tidy. */
export function smoothLabels(y: tf.Tensor, labelSmoothing: number, where = 'labelSmoothing'): tf.Tensor {
  if (!(Number.isFinite(labelSmoothing) && labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `${where}: labelSmoothing must be in [0, 1], got ${labelSmoothing}.`);
  }
  if (labelSmoothing === 0) return y;
  const k = y.shape[y.rank - 1] as number;
  return tf.add(tf.mul(y, 1 - labelSmoothing), labelSmoothing / k);
}

/**
 * Categorical cross-entropy as Keras' `CategoricalCrossentropy(from_logits)` computes it, for
 * targets [n, k] (one-hot or soft) and outputs [n, k]:
 *
 * - probabilities (default): p = outputs / Σ outputs (row-wise), clipped to [1e-7, 1 − 1e-7],
 *   ℓ = −Σ y·log p — exactly `tf.keras.backend.categorical_crossentropy(from_logits=False)`;
 * - `fromLogits`: ℓ = −Σ y·logSoftmax(x), stable for any logit;
 * - `labelSmoothing` ε: y is replaced by y·(1 − ε) + ε/K first, as Keras does.
 *
 * (tf.keras 2 quietly takes the logits path when the probabilities come straight from a
 * softmax layer; the two agree unless a probability falls below 1e-7.)
 */
export function categoricalCrossentropy(
  targets: tf.Tensor,
  outputs: tf.Tensor,
  options: CategoricalCrossentropyOptions = {},
): tf.Tensor {
  if (targets.rank !== 2 || !tf.util.arraysEqual(targets.shape, outputs.shape)) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `categoricalCrossentropy: targets [${targets.shape}] and outputs [${outputs.shape}] must both be [n, classes].`,
    );
  }
  const labelSmoothing = options.labelSmoothing ?? 0;
  return tf.tidy(() => {
    const y = smoothLabels(tf.cast(targets, 'float32'), labelSmoothing, 'categoricalCrossentropy');
    const x = tf.cast(outputs, 'float32');
    let logP: tf.Tensor;
    if (options.fromLogits) {
      logP = tf.logSoftmax(x, -1);
    } else {
      const p = tf.div(x, tf.sum(x, -1, true));
      logP = tf.log(tf.clipByValue(p, KERAS_EPSILON, 1 - KERAS_EPSILON));
    }
    const loss = tf.neg(tf.sum(tf.mul(y, logP), -1));
    return reduceLoss(loss, options.reduction);
  });
}
