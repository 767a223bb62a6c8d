import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError, type OnProgress } from '@cxr/core';
import { countCorrect } from './accuracy.js';
import { toEpochSource, type BatchLike, type DataInput } from './data-source.js';
import { forEachInference } from './inference.js';
import { resolveLoss, type LossFn, type LossSpec } from './losses/loss.js';

export interface EvaluateOptions {
  /** Default 'bceWithLogits'. A custom loss must return the batch mean. */
  loss?: LossSpec;
  /** `pos_weight` of BCE-with-logits (default 1). */
  posWeight?: number;
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
  /** Fraction of samples classified correctly. */
  accuracy: number;
  samples: number;
}

/** @internal The loop shared by `evaluate` and `fit`'s validation. */
export async function evaluateBatches(
  model: tfl.LayersModel,
  batches: AsyncIterable<BatchLike>,
  lossFn: LossFn,
  threshold: number,
  progress: { phase: string; total: number | undefined; onProgress?: OnProgress | undefined; signal?: AbortSignal | undefined },
): Promise<EvaluateResult> {
  const parts = await forEachInference(
    model,
    batches,
    async (outputs, batch, size) => {
      const [loss, correct] = tf.tidy(() => [lossFn(batch.labels, outputs), countCorrect(batch.labels, outputs, threshold)]);
      try {
        const [l, c] = await Promise.all([loss.data(), correct.data()]);
        return { loss: (l[0] as number) * size, correct: c[0] as number, size };
      } finally {
        tf.dispose([loss, correct]);
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
    samples,
  };
}

/**
 * Loss and accuracy of `model` on `data`, in inference mode (dropout off), like the article's
 * evaluation on the validation folder. Leak-free; every batch is disposed after use.
 */
export async function evaluate(
  model: tfl.LayersModel,
  data: DataInput,
  options: EvaluateOptions = {},
): Promise<EvaluateResult> {
  const source = toEpochSource(data, { batchSize: options.batchSize ?? 32, shuffle: false, seed: 0 });
  return evaluateBatches(
    model,
    source.batches(0),
    resolveLoss(options.loss, { ...(options.posWeight !== undefined ? { posWeight: options.posWeight } : {}) }),
    options.threshold ?? 0.5,
    { phase: 'evaluate', total: source.batchesPerEpoch, onProgress: options.onProgress, signal: options.signal },
  );
}
