import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';

export type Reduction = 'mean' | 'sum' | 'none';

/** Reduce per-sample losses [n]: 'mean' (Keras sum_over_batch_size), 'sum' or 'none'. */
export function reduceLoss(loss: tf.Tensor, reduction: Reduction = 'mean'): tf.Tensor {
  switch (reduction) {
    case 'mean':
      return tf.mean(loss);
    case 'sum':
      return tf.sum(loss);
    case 'none':
      return loss;
  }
  throw new CxrError('E_BAD_ARGUMENT', `Unknown reduction "${String(reduction)}": use 'mean', 'sum' or 'none'.`);
}

/**
 * Keras' sample-weighted `sum_over_batch_size`: Σ wᵢ·ℓᵢ / n (not / Σ w), which is what
 * `class_weight` / `sample_weight` give in `model.fit`. Without weights, the plain mean.
 */
export function weightedMean(perSample: tf.Tensor, sampleWeight?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (!sampleWeight) return tf.mean(perSample) as tf.Scalar;
    if (sampleWeight.size !== perSample.size) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `sample weights [${sampleWeight.shape}] do not match the per-sample losses [${perSample.shape}].`,
      );
    }
    return tf.mean(tf.mul(tf.reshape(perSample, [-1]), tf.reshape(tf.cast(sampleWeight, 'float32'), [-1]))) as tf.Scalar;
  });
}
