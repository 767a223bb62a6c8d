import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { KERAS_EPSILON, smoothLabels } from './categorical-crossentropy.js';
import { reduceLoss, type Reduction } from './reduce.js';

export interface FocalOptions {
  /** Focusing parameter γ ≥ 0 (default 2, Lin et al.); γ = 0 gives α-weighted cross-entropy. */
  gamma?: number;
  /**
   * Balancing factor α (default 0.25, Lin et al. / Keras / tfa). Categorical: every term is
   * multiplied by α. Binary: α for the positive class, 1 − α for the negative; `null` turns
   * the balancing off (Keras `BinaryFocalCrossentropy(apply_class_balancing=False)`).
   */
  alpha?: number | null;
  reduction?: Reduction;
}

export interface CategoricalFocalOptions extends FocalOptions {
  /** Outputs are logits (softmax applied first). Default false: probabilities, as Keras. */
  fromLogits?: boolean;
  /** Keras label smoothing y·(1 − ε) + ε/K applied to the targets first. Default 0. */
  labelSmoothing?: number;
}

function checkFocal(where: string, gamma: number, alpha: number | null): void {
  if (!Number.isFinite(gamma) || gamma < 0) {
    throw new CxrError('E_BAD_ARGUMENT', `${where}: gamma must be a finite number ≥ 0, got ${gamma}.`);
  }
  if (alpha !== null && !(Number.isFinite(alpha) && alpha >= 0 && alpha <= 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `${where}: alpha must be in [0, 1] (or null), got ${alpha}.`);
  }
}

/**
 * Categorical focal loss, exactly Keras 3 `CategoricalFocalCrossentropy(alpha, gamma,
 * from_logits, label_smoothing)` (Lin et al. 2017 for softmax), per sample:
 *
 *   ℓ = −Σ_k α · (1 − p_k)^γ · y_k · log p_k
 *
 * where p = outputs / Σ outputs (row-wise; softmax(outputs) with `fromLogits`), clipped to
 * [1e-7, 1 − 1e-7]. Targets [n, k] one-hot or soft; batch mean by default.
 */
export function categoricalFocalCrossentropy(
  targets: tf.Tensor,
  outputs: tf.Tensor,
  options: CategoricalFocalOptions = {},
): tf.Tensor {
  const gamma = options.gamma ?? 2;
  const alpha = options.alpha === undefined ? 0.25 : options.alpha;
  checkFocal('categoricalFocalCrossentropy', gamma, alpha);
  if (targets.rank !== 2 || !tf.util.arraysEqual(targets.shape, outputs.shape)) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `categoricalFocalCrossentropy: targets [${targets.shape}] and outputs [${outputs.shape}] must both be [n, classes].`,
    );
  }
  return tf.tidy(() => {
    const y = smoothLabels(tf.cast(targets, 'float32'), options.labelSmoothing ?? 0, 'categoricalFocalCrossentropy');
    const x = tf.cast(outputs, 'float32');
    const probs = options.fromLogits ? tf.softmax(x, -1) : tf.div(x, tf.sum(x, -1, true));
    const p = tf.clipByValue(probs, KERAS_EPSILON, 1 - KERAS_EPSILON);
    const ce = tf.neg(tf.mul(y, tf.log(p)));
    const modulating = gamma === 0 ? tf.onesLike(p) : tf.pow(tf.sub(1, p), gamma);
    const weighted = tf.mul(alpha === null ? modulating : tf.mul(modulating, alpha), ce);
    return reduceLoss(tf.sum(weighted, -1), options.reduction);
  });
}

/**
 * Binary focal loss on logits, tfa `SigmoidFocalCrossEntropy(from_logits=True, alpha, gamma)`
 * (Lin et al. eq. 5), for single-logit models [n, 1] (or any shape; the last axis is summed):
 *
 *   p = sigmoid(x), p_t = y·p + (1 − y)·(1 − p), α_t = y·α + (1 − y)·(1 − α)
 *   ℓ = α_t · (1 − p_t)^γ · BCEWithLogits(x, y)
 *
 * with the stable BCE softplus(x) − x·y. `alpha: null` drops α_t (Keras' default binary focal).
 */
export function binaryFocalCrossentropy(labels: tf.Tensor, logits: tf.Tensor, options: FocalOptions = {}): tf.Tensor {
  const gamma = options.gamma ?? 2;
  const alpha = options.alpha === undefined ? 0.25 : options.alpha;
  checkFocal('binaryFocalCrossentropy', gamma, alpha);
  if (!tf.util.arraysEqual(labels.shape, logits.shape)) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `binaryFocalCrossentropy: labels [${labels.shape}] differ from logits [${logits.shape}]; reshape the labels to match.`,
    );
  }
  return tf.tidy(() => {
    const x = tf.cast(logits, 'float32');
    const y = tf.cast(labels, 'float32');
    const softplus = tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    const ce = tf.sub(softplus, tf.mul(x, y));
    const p = tf.sigmoid(x);
    const pT = tf.add(tf.mul(y, p), tf.mul(tf.sub(1, y), tf.sub(1, p)));
    let loss = gamma === 0 ? ce : tf.mul(tf.pow(tf.sub(1, pT), gamma), ce);
    if (alpha !== null) loss = tf.mul(tf.add(tf.mul(y, alpha), tf.mul(tf.sub(1, y), 1 - alpha)), loss);
    const perSample = loss.rank >= 2 ? tf.sum(loss, -1) : loss;
    return reduceLoss(perSample, options.reduction);
  });
}
