import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError, type OnProgress } from '@cxr/core';
import { toEpochSource, type BatchLike, type DataInput } from './data-source.js';
import { forEachInference } from './inference.js';
import { unknownClassError } from './labels.js';
import { resolveLoss, type LossFn, type LossSpec } from './losses/loss.js';
import { StreamingAuc } from './metrics/auc.js';
import { batchStatTensors, readBatchStats, statTensorList } from './metrics/batch-stats.js';
import { resolveMetrics, type MetricName } from './metrics/metrics.js';
import { StreamingPrecisionRecall } from './metrics/precision-recall.js';

export interface EvaluateOptions {
  /** Default 'bceWithLogits'. A custom loss must return the batch mean. */
  loss?: LossSpec;
  /** `pos_weight` of BCE-with-logits (default 1). */
  posWeight?: number;
  /** Categorical cross-entropy (and AUC) on logits rather than softmax probabilities. Default false. */
  fromLogits?: boolean;
  /** Default `['accuracy', 'auc']` for 'categoricalCrossentropy', `['accuracy']` otherwise; accuracy is always computed. */
  metrics?: MetricName[];
  /** Thresholds of the AUC (default 200, as Keras). */
  aucThresholds?: number;
  /** A single-logit output counts as positive when sigmoid(logit) > threshold. Default 0.5. */
  threshold?: number;
  /** Batch size when `data` is a SampleDataset. Default 32. */
  batchSize?: number;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

export interface EvaluateResult {
  /** Mean loss per sample (batches weighted by their size). */
  loss: number;
  /** Fraction of samples classified correctly (arg-max for several outputs: Keras categorical accuracy). */
  accuracy: number;
  /** ROC AUC as `tf.keras.metrics.AUC()` (200 thresholds, one-hot labels flattened), when the metrics include 'auc'. */
  auc?: number;
  /** Class-1 precision over all samples, when the metrics include 'precision'. */
  precision?: number;
  /** Class-1 recall over all samples, when the metrics include 'recall'. */
  recall?: number;
  samples: number;
}

/** @internal What the evaluation loop needs besides the data. */
export interface EvaluateSetup {
  lossFn: LossFn;
  threshold: number;
  fromLogits: boolean;
  /** null: no AUC. A fresh accumulator is used per call. */
  aucThresholds: number | null;
  /** Track class-1 precision / recall (which of them are reported). */
  precision?: boolean;
  recall?: boolean;
}

/** @internal The loop shared by `evaluate` and `fit`'s validation. */
export async function evaluateBatches(
  model: tfl.LayersModel,
  batches: AsyncIterable<BatchLike>,
  setup: EvaluateSetup,
  progress: { phase: string; total: number | undefined; onProgress?: OnProgress | undefined; signal?: AbortSignal | undefined },
): Promise<EvaluateResult> {
  const auc = setup.aucThresholds === null ? null : new StreamingAuc(setup.aucThresholds);
  const pr = setup.precision || setup.recall ? new StreamingPrecisionRecall() : null;
  const parts = await forEachInference(
    model,
    batches,
    async (outputs, batch, size) => {
      const loss = tf.tidy(() => setup.lossFn(batch.labels, outputs));
      const stats = batchStatTensors(batch.labels, outputs, setup.threshold, auc, setup.fromLogits, pr !== null);
      try {
        const [l, s] = await Promise.all([loss.data(), readBatchStats(stats)]);
        if (s.invalid > 0) throw unknownClassError(progress.phase, s.invalid, outputs.shape);
        if (auc && s.counts) auc.add(s.counts);
        if (pr && s.pr) pr.add(s.pr);
        return { loss: (l[0] as number) * size, correct: s.correct, size };
      } finally {
        tf.dispose([loss, ...statTensorList(stats)]);
      }
    },
    progress,
  );
  const samples = parts.reduce((n, p) => n + p.size, 0);
  if (samples === 0) {
    throw new CxrError('E_BAD_ARGUMENT', `${progress.phase}: the data yielded no samples.`);
  }
  return {
    loss: parts.reduce((s, p) => s + p.loss, 0) / samples,
    accuracy: parts.reduce((s, p) => s + p.correct, 0) / samples,
    ...(auc ? { auc: auc.result() } : {}),
    ...(pr && setup.precision ? { precision: pr.precision() } : {}),
    ...(pr && setup.recall ? { recall: pr.recall() } : {}),
    samples,
  };
}

/**
 * Loss, accuracy and (for categorical cross-entropy by default) AUC of `model` on `data`, in
 * inference mode (dropout off) — Keras' `model.evaluate` returning `[loss, acc, auc]` in the
 * seed-004 article. Leak-free; every batch is disposed after use. Labels naming a class the
 * model does not have → `CxrError` `E_UNKNOWN_CLASS`.
 */
export async function evaluate(
  model: tfl.LayersModel,
  data: DataInput,
  options: EvaluateOptions = {},
): Promise<EvaluateResult> {
  const source = toEpochSource(data, { batchSize: options.batchSize ?? 32, shuffle: false, seed: 0 });
  const metrics = resolveMetrics(options.metrics, options.loss);
  return evaluateBatches(
    model,
    source.batches(0),
    {
      lossFn: resolveLoss(options.loss, {
        ...(options.posWeight !== undefined ? { posWeight: options.posWeight } : {}),
        ...(options.fromLogits !== undefined ? { fromLogits: options.fromLogits } : {}),
      }),
      threshold: options.threshold ?? 0.5,
      fromLogits: options.fromLogits ?? false,
      aucThresholds: metrics.auc ? (options.aucThresholds ?? 200) : null,
      precision: metrics.precision,
      recall: metrics.recall,
    },
    { phase: 'evaluate', total: source.batchesPerEpoch, onProgress: options.onProgress, signal: options.signal },
  );
}
