import * as tf from '@tensorflow/tfjs-core';
import { countCorrect } from '../accuracy.js';
import { invalidLabelCount, type Labels } from '../labels.js';
import { aucInputs } from './metrics.js';
import type { StreamingAuc } from './auc.js';
import { precisionRecallCounts } from './precision-recall.js';

export interface BatchStatTensors {
  correct: tf.Scalar;
  /** Labels naming a class the model does not have. */
  invalid: tf.Scalar;
  /** AUC confusion counts [4, T], when AUC is tracked. */
  counts?: tf.Tensor2D;
  /** Class-1 (tp, fp, fn) [3], when precision or recall is tracked. */
  pr?: tf.Tensor1D;
}

export interface BatchStats {
  correct: number;
  invalid: number;
  counts?: ArrayLike<number>;
  pr?: ArrayLike<number>;
}

/** The per-batch metric tensors (kept out of any enclosing tidy by the caller). */
export function batchStatTensors(
  labels: Labels,
  outputs: tf.Tensor,
  threshold: number,
  auc: StreamingAuc | null,
  fromLogits: boolean,
  precisionRecall = false,
): BatchStatTensors {
  return tf.tidy(() => {
    const stats: BatchStatTensors = { correct: countCorrect(labels, outputs, threshold), invalid: invalidLabelCount(labels, outputs) };
    if (auc) {
      const [targets, scores] = aucInputs(labels, outputs, fromLogits);
      stats.counts = auc.batchCounts(targets, scores);
    }
    if (precisionRecall) stats.pr = precisionRecallCounts(labels, outputs, threshold);
    return stats as unknown as tf.TensorContainerObject;
  }) as unknown as BatchStatTensors;
}

/** Read the tensors (asynchronously) without disposing them. */
export async function readBatchStats(t: BatchStatTensors): Promise<BatchStats> {
  const [c, i, counts, pr] = await Promise.all([t.correct.data(), t.invalid.data(), t.counts?.data(), t.pr?.data()]);
  return { correct: c[0] as number, invalid: i[0] as number, ...(counts ? { counts } : {}), ...(pr ? { pr } : {}) };
}

export const statTensorList = (t: BatchStatTensors | undefined): tf.Tensor[] =>
  t ? [t.correct, t.invalid, ...(t.counts ? [t.counts] : []), ...(t.pr ? [t.pr] : [])] : [];
