import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import type { LossSpec } from '../losses/loss.js';
import { targetsLike, type Labels } from '../labels.js';

/**
 * Metrics computed while training and evaluating. `loss` and `accuracy` are always logged
 * (accuracy is the arg-max `categorical_accuracy` for several outputs); `'categoricalAccuracy'`
 * also logs it under Keras' name `categorical_accuracy`; `'auc'` logs `auc` / `val_auc` as
 * `tf.keras.metrics.AUC()` defines it; `'precision'` / `'recall'` log `precision` / `val_precision`,
 * `recall` / `val_recall` of class 1 (streaming over the epoch, see `StreamingPrecisionRecall`).
 */
export type MetricName = 'accuracy' | 'categoricalAccuracy' | 'auc' | 'precision' | 'recall';

const METRIC_NAMES: readonly string[] = ['accuracy', 'categoricalAccuracy', 'auc', 'precision', 'recall'];

export interface ResolvedMetrics {
  auc: boolean;
  categoricalAccuracy: boolean;
  precision: boolean;
  recall: boolean;
}

/** Default per loss: `['accuracy', 'auc']` for categorical cross-entropy (the seed-004 article), `['accuracy']` otherwise. */
export function resolveMetrics(metrics: readonly MetricName[] | undefined, loss: LossSpec | undefined): ResolvedMetrics {
  const names = metrics ?? (loss === 'categoricalCrossentropy' ? ['accuracy', 'auc'] : ['accuracy']);
  for (const name of names) {
    if (!METRIC_NAMES.includes(name)) {
      throw new CxrError(
        'E_BAD_ARGUMENT',
        `Unknown metric "${String(name)}". Use 'accuracy', 'categoricalAccuracy', 'auc', 'precision' or 'recall'.`,
      );
    }
  }
  return {
    auc: names.includes('auc'),
    categoricalAccuracy: names.includes('categoricalAccuracy'),
    precision: names.includes('precision'),
    recall: names.includes('recall'),
  };
}

/**
 * Outputs as probabilities for AUC: sigmoid of a single logit; for several columns, softmax of
 * logits (`fromLogits`) or the outputs as they are (a softmax layer's). Must run in a tidy.
 */
export function probabilities(outputs: tf.Tensor, fromLogits: boolean): tf.Tensor {
  if (outputs.rank === 2 && outputs.shape[1] !== 1) return fromLogits ? tf.softmax(outputs) : outputs;
  return tf.sigmoid(outputs);
}

/** Targets and probabilities of a batch, for `StreamingAuc.batchCounts`. Must run in a tidy. */
export function aucInputs(labels: Labels, outputs: tf.Tensor, fromLogits: boolean): [tf.Tensor, tf.Tensor] {
  return [targetsLike(labels, outputs, 'auc'), probabilities(outputs, fromLogits)];
}

