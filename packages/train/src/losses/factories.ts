import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { targetsLike } from '../labels.js';
import { checkCostMatrix, crossentropyPerSample, expectedCost } from './cost-matrix.js';
import { binaryFocalCrossentropy, categoricalFocalCrossentropy, type CategoricalFocalOptions, type FocalOptions } from './focal.js';
import type { LossFn } from './loss.js';
import { weightedMean } from './reduce.js';

export type FocalLossOptions = Omit<CategoricalFocalOptions, 'reduction'>;

/**
 * Focal loss as a `LossFn` for `fit` / `evaluate` (`loss: focalLoss({ gamma: 2, alpha: 0.25 })`):
 * models with k ≥ 2 outputs get `categoricalFocalCrossentropy` (−Σ α·(1 − p)^γ·y·log p, Keras
 * CategoricalFocalCrossentropy; probabilities unless `fromLogits`), single-logit models [n, 1]
 * get `binaryFocalCrossentropy` on the logit (tfa SigmoidFocalCrossEntropy). Batch mean,
 * Σ wᵢ·ℓᵢ / n with sample weights.
 */
export function focalLoss(options: FocalLossOptions = {}): LossFn {
  // Validate eagerly (a zero-sized call checks gamma / alpha / labelSmoothing).
  tf.tidy(() => categoricalFocalCrossentropy(tf.zeros([0, 2]), tf.zeros([0, 2]), options));
  return (labels, outputs, sampleWeight) =>
    tf.tidy(() => {
      const y = targetsLike(labels, outputs, 'focalLoss');
      const perSample =
        outputs.shape[1] === 1
          ? binaryFocalCrossentropy(y, outputs, { ...pickFocal(options), reduction: 'none' })
          : categoricalFocalCrossentropy(y, outputs, { ...options, reduction: 'none' });
      return weightedMean(perSample, sampleWeight);
    });
}

function pickFocal(options: FocalLossOptions): FocalOptions {
  return {
    ...(options.gamma !== undefined ? { gamma: options.gamma } : {}),
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
  };
}

/** Binary focal loss (tfa SigmoidFocalCrossEntropy on logits) as a `LossFn` for single-logit models [n, 1]. */
export function binaryFocalLoss(options: Omit<FocalOptions, 'reduction'> = {}): LossFn {
  tf.tidy(() => binaryFocalCrossentropy(tf.zeros([0, 1]), tf.zeros([0, 1]), options));
  return (labels, outputs, sampleWeight) =>
    tf.tidy(() => {
      if (outputs.rank !== 2 || outputs.shape[1] !== 1) {
        throw new CxrError('E_SHAPE_MISMATCH', `binaryFocalLoss needs one output logit per image ([n, 1]), got [${outputs.shape}].`);
      }
      const y = targetsLike(labels, outputs, 'binaryFocalLoss');
      return weightedMean(binaryFocalCrossentropy(y, outputs, { ...options, reduction: 'none' }), sampleWeight);
    });
}

export interface CostMatrixLossOptions {
  /** Outputs are logits. Default false (softmax probabilities). */
  fromLogits?: boolean;
  /**
   * λ ≥ 0: add λ · categorical cross-entropy to the expected cost (default 0: the expected cost
   * alone). The expected cost's gradient vanishes as p saturates; a little CE keeps it learning.
   */
  crossentropyWeight?: number;
}

/**
 * Asymmetric misclassification costs as a `LossFn`: per sample ℓ = Σ_j C[y, j]·p_j (+ λ·CE),
 * C[true][predicted] (see `expectedCost`). E.g. for ['COVID19', 'NORMAL', 'PNEUMONIA']:
 * `costMatrixLoss([[0, 5, 1], [1, 0, 1], [1, 2, 0]])` — COVID19 called NORMAL costs 5.
 */
export function costMatrixLoss(cost: ReadonlyArray<ReadonlyArray<number>>, options: CostMatrixLossOptions = {}): LossFn {
  const rows = checkCostMatrix(cost);
  const lambda = options.crossentropyWeight ?? 0;
  if (!Number.isFinite(lambda) || lambda < 0) {
    throw new CxrError('E_BAD_ARGUMENT', `costMatrixLoss: crossentropyWeight must be a finite number ≥ 0, got ${lambda}.`);
  }
  const fromLogits = options.fromLogits ?? false;
  return (labels, outputs, sampleWeight) =>
    tf.tidy(() => {
      const y = targetsLike(labels, outputs, 'costMatrixLoss');
      let perSample = expectedCost(y, outputs, rows, { fromLogits, reduction: 'none' });
      if (lambda > 0) perSample = tf.add(perSample, tf.mul(crossentropyPerSample(y, outputs, fromLogits), lambda));
      return weightedMean(perSample, sampleWeight);
    });
}
