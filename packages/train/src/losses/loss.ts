import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { bceWithLogits } from './bce-with-logits.js';
import { categoricalCrossentropy } from './categorical-crossentropy.js';
import { targetsLike, type Labels } from '../labels.js';

/**
 * A training loss: labels (class indices [n] int32 as datasets yield them, or one-hot [n, k])
 * and the model's raw outputs ([n, k]) in, a scalar out. Each loss encodes the labels as it
 * needs (a column of 0/1 for BCE, one-hot for categorical cross-entropy, …).
 */
export type LossFn = (labels: Labels, outputs: tf.Tensor) => tf.Scalar;

/** Loss names `fit` and `evaluate` accept, or a custom `LossFn`. */
export type LossSpec = 'bceWithLogits' | 'categoricalCrossentropy' | LossFn;

export interface LossOptions {
  /** `pos_weight` of BCE-with-logits (default 1, as the article). */
  posWeight?: number;
  /** Categorical cross-entropy on logits instead of softmax probabilities (default false, as Keras). */
  fromLogits?: boolean;
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

/** Turn a loss name or function into a `LossFn`. */
export function resolveLoss(spec: LossSpec = 'bceWithLogits', options: LossOptions = {}): LossFn {
  if (typeof spec === 'function') return spec;
  if (spec === 'bceWithLogits') {
    const posWeight = options.posWeight ?? 1;
    return (labels, outputs) =>
      tf.tidy(() => bceWithLogits(binaryTargets(labels, outputs), outputs, { posWeight }) as tf.Scalar);
  }
  if (spec === 'categoricalCrossentropy') {
    const fromLogits = options.fromLogits ?? false;
    return (labels, outputs) =>
      tf.tidy(
        () =>
          categoricalCrossentropy(targetsLike(labels, outputs, 'categoricalCrossentropy'), outputs, { fromLogits }) as tf.Scalar,
      );
  }
  throw new CxrError(
    'E_BAD_ARGUMENT',
    `Unknown loss "${String(spec)}". Use 'bceWithLogits', 'categoricalCrossentropy' or a function (labels, outputs) => scalar.`,
  );
}
