import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { bceWithLogits } from './bce-with-logits.js';
import { categoricalCrossentropy } from './categorical-crossentropy.js';
import { weightedMean } from './reduce.js';
import { targetsLike, type Labels } from '../labels.js';

/**
 * A training loss: labels (class indices [n] int32 as datasets yield them, or one-hot [n, k])
 * and the model's raw outputs ([n, k]) in, a scalar out. Each loss encodes the labels as it
 * needs (a column of 0/1 for BCE, one-hot for categorical cross-entropy, …).
 *
 * `sampleWeight` [n] (from `fit`'s `classWeight`; never given for validation) asks for Keras'
 * weighted batch loss Σ wᵢ·ℓᵢ / n. The built-in losses honour it; a custom LossFn used with
 * `classWeight` must too (`weightedMean(perSample, sampleWeight)` does it).
 */
export type LossFn = (labels: Labels, outputs: tf.Tensor, sampleWeight?: tf.Tensor1D) => tf.Scalar;

/** Loss names `fit` and `evaluate` accept, or a custom `LossFn`. */
export type LossSpec = 'bceWithLogits' | 'categoricalCrossentropy' | LossFn;

export interface LossOptions {
  /** `pos_weight` of BCE-with-logits (default 1, as the article). */
  posWeight?: number;
  /** Categorical cross-entropy on logits instead of softmax probabilities (default false, as Keras). */
  fromLogits?: boolean;
  /**
   * Keras `label_smoothing` ε: categorical targets become y·(1 − ε) + ε/K; for
   * 'bceWithLogits' y·(1 − ε) + ε/2 (Keras' binary rule). Default 0.
   */
  labelSmoothing?: number;
}

/** Labels [n] as a float column shaped like single-logit outputs [n, 1]. */
function binaryTargets(labels: Labels, outputs: tf.Tensor): tf.Tensor {
  if (outputs.rank !== 2 || outputs.shape[1] !== 1) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `bceWithLogits needs a model with one output logit per image ([n, 1]), got [${outputs.shape}].`,
    );
  }
  if (labels.shape[0] !== outputs.shape[0]) {
    throw new CxrError('E_SHAPE_MISMATCH', `${labels.shape[0]} labels for ${outputs.shape[0]} outputs.`);
  }
  return tf.reshape(tf.cast(labels, 'float32'), outputs.shape);
}

function checkSmoothing(eps: number): number {
  if (!(Number.isFinite(eps) && eps >= 0 && eps <= 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `labelSmoothing must be in [0, 1], got ${eps}.`);
  }
  return eps;
}

/** Turn a loss name or function into a `LossFn`. */
export function resolveLoss(spec: LossSpec = 'bceWithLogits', options: LossOptions = {}): LossFn {
  if (typeof spec === 'function') return spec;
  if (spec === 'bceWithLogits') {
    const posWeight = options.posWeight ?? 1;
    const eps = checkSmoothing(options.labelSmoothing ?? 0);
    return (labels, outputs, sampleWeight) =>
      tf.tidy(() => {
        let y = binaryTargets(labels, outputs);
        if (eps > 0) y = tf.add(tf.mul(y, 1 - eps), eps / 2);
        if (!sampleWeight) return bceWithLogits(y, outputs, { posWeight }) as tf.Scalar;
        return weightedMean(tf.sum(bceWithLogits(y, outputs, { posWeight, reduction: 'none' }), -1), sampleWeight);
      });
  }
  if (spec === 'categoricalCrossentropy') {
    const fromLogits = options.fromLogits ?? false;
    const labelSmoothing = checkSmoothing(options.labelSmoothing ?? 0);
    return (labels, outputs, sampleWeight) =>
      tf.tidy(() => {
        const y = targetsLike(labels, outputs, 'categoricalCrossentropy');
        if (!sampleWeight) return categoricalCrossentropy(y, outputs, { fromLogits, labelSmoothing }) as tf.Scalar;
        return weightedMean(categoricalCrossentropy(y, outputs, { fromLogits, labelSmoothing, reduction: 'none' }), sampleWeight);
      });
  }
  throw new CxrError(
    'E_BAD_ARGUMENT',
    `Unknown loss "${String(spec)}". Use 'bceWithLogits', 'categoricalCrossentropy' or a function (labels, outputs) => scalar.`,
  );
}
