import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { reduceLoss } from './reduce.js';

export interface BceWithLogitsOptions {
  /** Weight of the positive term (PyTorch `pos_weight`): > 1 favours recall, < 1 precision. Default 1. */
  posWeight?: number;
  /** 'mean' (default, as PyTorch), 'sum', or 'none' for the element-wise losses. */
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Binary cross-entropy on logits, exactly `torch.nn.BCEWithLogitsLoss(pos_weight, reduction)`:
 *
 *   ℓ = posWeight · y · softplus(−x) + (1 − y) · softplus(x)
 *
 * with softplus(x) = max(x, 0) + log1p(exp(−|x|)), which never overflows, and
 * softplus(−x) = softplus(x) − x. `labels` are targets in [0, 1] (soft labels allowed) of the
 * same shape as `logits`.
 */
export function bceWithLogits(
  labels: tf.Tensor,
  logits: tf.Tensor,
  options: BceWithLogitsOptions = {},
): tf.Tensor {
  const posWeight = options.posWeight ?? 1;
  if (!Number.isFinite(posWeight) || posWeight < 0) {
    throw new CxrError('E_BAD_ARGUMENT', `bceWithLogits: posWeight must be a finite number ≥ 0, got ${posWeight}.`);
  }
  if (!tf.util.arraysEqual(labels.shape, logits.shape)) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `bceWithLogits: labels shape [${labels.shape}] differs from logits shape [${logits.shape}]; reshape the labels to match.`,
    );
  }
  return tf.tidy(() => {
    const x = tf.cast(logits, 'float32');
    const y = tf.cast(labels, 'float32');
    const spPos = tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))); // softplus(x)
    const spNeg = tf.sub(spPos, x); // softplus(−x)
    const positive = posWeight === 1 ? tf.mul(y, spNeg) : tf.mul(tf.mul(y, spNeg), posWeight);
    const loss = tf.add(positive, tf.mul(tf.sub(1, y), spPos));
    return reduceLoss(loss, options.reduction);
  });
}
