import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { KERAS_EPSILON } from './categorical-crossentropy.js';
import { reduceLoss, type Reduction } from './reduce.js';

export interface ExpectedCostOptions {
  /** Outputs are logits (softmax first). Default false: probabilities (rows normalised). */
  fromLogits?: boolean;
  reduction?: Reduction;
}

/** Validate a K×K cost matrix (finite, ≥ 0) and return it as a tensor-ready flat array. */
export function checkCostMatrix(cost: ReadonlyArray<ReadonlyArray<number>>, classes?: number): number[][] {
  const k = cost.length;
  const where = 'costMatrix';
  if (k < 2 || cost.some((row) => !Array.isArray(row) && !ArrayBuffer.isView(row))) {
    throw new CxrError('E_BAD_ARGUMENT', `${where}: expected a square K×K array of arrays (K ≥ 2), got ${k} row(s).`);
  }
  const rows = cost.map((row) => Array.from(row));
  if (rows.some((row) => row.length !== k)) {
    throw new CxrError('E_SHAPE_MISMATCH', `${where}: the matrix must be square (${k}×${k}); row lengths are [${rows.map((r) => r.length)}].`);
  }
  if (rows.some((row) => row.some((c) => !Number.isFinite(c) || c < 0))) {
    throw new CxrError('E_BAD_ARGUMENT', `${where}: costs must be finite numbers ≥ 0.`);
  }
  if (classes !== undefined && classes !== k) {
    throw new CxrError('E_SHAPE_MISMATCH', `${where}: the matrix is ${k}×${k} but the model outputs ${classes} classes.`);
  }
  return rows;
}

/**
 * Expected misclassification cost: with C[t][j] the cost of predicting class j when the truth
 * is t (rows = true class, columns = predicted; usually C[t][t] = 0), per sample
 *
 *   ℓ = Σ_t Σ_j y_t · C[t][j] · p_j      (= Σ_j C[y, j] · p_j for a one-hot y)
 *
 * with p = outputs / Σ outputs row-wise (softmax with `fromLogits`). Asymmetric C makes
 * mistaking COVID19 for NORMAL dearer than the reverse. Targets [n, k] one-hot or soft.
 */
export function expectedCost(
  targets: tf.Tensor,
  outputs: tf.Tensor,
  cost: ReadonlyArray<ReadonlyArray<number>>,
  options: ExpectedCostOptions = {},
): tf.Tensor {
  if (targets.rank !== 2 || !tf.util.arraysEqual(targets.shape, outputs.shape)) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `expectedCost: targets [${targets.shape}] and outputs [${outputs.shape}] must both be [n, classes].`,
    );
  }
  const rows = checkCostMatrix(cost, outputs.shape[1]);
  return tf.tidy(() => {
    const y = tf.cast(targets, 'float32') as tf.Tensor2D;
    const x = tf.cast(outputs, 'float32');
    const p = options.fromLogits ? tf.softmax(x, -1) : tf.div(x, tf.sum(x, -1, true));
    const perRow = tf.matMul(y, tf.tensor2d(rows)); // [n, k]: C[y, ·]
    return reduceLoss(tf.sum(tf.mul(perRow, p), -1), options.reduction);
  });
}

/** Per-sample categorical CE with the Keras clip, on probabilities or logits. Must run in a tidy. */
export function crossentropyPerSample(y: tf.Tensor, outputs: tf.Tensor, fromLogits: boolean): tf.Tensor {
  const x = tf.cast(outputs, 'float32');
  const logP = fromLogits
    ? tf.logSoftmax(x, -1)
    : tf.log(tf.clipByValue(tf.div(x, tf.sum(x, -1, true)), KERAS_EPSILON, 1 - KERAS_EPSILON));
  return tf.neg(tf.sum(tf.mul(y, logP), -1));
}
