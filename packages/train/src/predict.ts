import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError, type OnProgress } from '@cxr/core';
import { toEpochSource, type DataInput } from './data-source.js';
import { forEachInference } from './inference.js';

export interface PredictOptions {
  /** Batch size when `data` is a SampleDataset. Default 32. */
  batchSize?: number;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

export interface PredictResult {
  /** sigmoid(logit): the probability of class 1, one per image, in data order. */
  scores: number[];
  /** The true labels the data carried. */
  labels: number[];
  /** Image sources ('' where a batch carried none). */
  files: string[];
}

/**
 * Scores of a single-logit binary classifier (such as `covidCnn`) on `data`, in inference
 * mode, with the labels and files alongside — ready for @cxr/metrics (confusion matrix,
 * ROC, …). Threshold them yourself (`score > 0.5` is the article's rule).
 */
export async function predict(model: tfl.LayersModel, data: DataInput, options: PredictOptions = {}): Promise<PredictResult> {
  const source = toEpochSource(data, { batchSize: options.batchSize ?? 32, shuffle: false, seed: 0 });
  const parts = await forEachInference(
    model,
    source.batches(0),
    async (outputs, batch, size) => {
      if (outputs.rank !== 2 || outputs.shape[1] !== 1) {
        throw new CxrError(
          'E_SHAPE_MISMATCH',
          `predict expects one logit per image ([n, 1]); the model outputs [${outputs.shape}].`,
        );
      }
      const scores = tf.tidy(() => tf.sigmoid(tf.reshape(outputs, [-1])));
      try {
        const [s, l] = await Promise.all([scores.data(), batch.labels.data()]);
        return { scores: Array.from(s), labels: Array.from(l), files: batch.files ? [...batch.files] : Array<string>(size).fill('') };
      } finally {
        scores.dispose();
      }
    },
    { phase: 'predict', total: source.batchesPerEpoch, onProgress: options.onProgress, signal: options.signal },
  );
  return {
    scores: parts.flatMap((p) => p.scores),
    labels: parts.flatMap((p) => p.labels),
    files: parts.flatMap((p) => p.files),
  };
}
