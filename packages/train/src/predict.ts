import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError, type OnProgress } from '@cxr/core';
import { toEpochSource, type DataInput } from './data-source.js';
import { forEachInference } from './inference.js';
import { classIndices } from './labels.js';
import { probabilities as toProbabilities } from './metrics/metrics.js';

export interface PredictOptions {
  /** Batch size when `data` is a SampleDataset. Default 32. */
  batchSize?: number;
  /** Several outputs are logits (softmax is applied); default false: they are already probabilities (a softmax layer). */
  fromLogits?: boolean;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

export interface PredictResult {
  /**
   * One per image, in data order. Single-logit model: sigmoid(logit), the probability of
   * class 1. Several outputs: the probability of the predicted (arg-max) class.
   */
  scores: number[];
  /** Several outputs only: the class probabilities [n][k] (softmax outputs), ready for `rocAucScore`. */
  probabilities?: number[][];
  /** Predicted classes: arg-max of the probabilities, or `score > 0.5` for a single logit. */
  predictions: number[];
  /** The true labels the data carried, as class indices (arg-max of one-hot labels). */
  labels: number[];
  /** Image sources ('' where a batch carried none). */
  files: string[];
}

/**
 * Predictions of `model` on `data`, in inference mode, with the labels and files alongside —
 * ready for @cxr/metrics (confusion matrix, classification report, ROC, …). A single-logit
 * binary classifier (such as `covidCnn`) gets sigmoid scores; a k-class softmax model (such as
 * `lungClassifier`) gets `probabilities` [n][k] (Keras `model.predict`) and their arg-max.
 */
export async function predict(model: tfl.LayersModel, data: DataInput, options: PredictOptions = {}): Promise<PredictResult> {
  const source = toEpochSource(data, { batchSize: options.batchSize ?? 32, shuffle: false, seed: 0 });
  const fromLogits = options.fromLogits ?? false;
  const parts = await forEachInference(
    model,
    source.batches(0),
    async (outputs, batch, size) => {
      if (outputs.rank !== 2) {
        throw new CxrError('E_SHAPE_MISMATCH', `predict expects outputs [n, classes]; the model outputs [${outputs.shape}].`);
      }
      const k = outputs.shape[1] as number;
      const [probs, labels] = tf.tidy(() => [toProbabilities(outputs, fromLogits), classIndices(batch.labels)]);
      try {
        const [p, l] = await Promise.all([probs.data(), labels.data()]);
        const files = batch.files ? [...batch.files] : Array<string>(size).fill('');
        if (k === 1) {
          const scores = Array.from(p);
          return { scores, predictions: scores.map((s) => (s > 0.5 ? 1 : 0)), labels: Array.from(l), files };
        }
        const rows = Array.from({ length: size }, (_, i) => Array.from(p.subarray(i * k, (i + 1) * k)));
        const predictions = rows.map((r) => r.reduce((best, v, j) => (v > (r[best] as number) ? j : best), 0));
        return {
          scores: rows.map((r, i) => r[predictions[i] as number] as number),
          probabilities: rows,
          predictions,
          labels: Array.from(l),
          files,
        };
      } finally {
        tf.dispose([probs, labels]);
      }
    },
    { phase: 'predict', total: source.batchesPerEpoch, onProgress: options.onProgress, signal: options.signal },
  );
  const multi = parts.some((p) => p.probabilities);
  return {
    scores: parts.flatMap((p) => p.scores),
    ...(multi ? { probabilities: parts.flatMap((p) => p.probabilities ?? []) } : {}),
    predictions: parts.flatMap((p) => p.predictions),
    labels: parts.flatMap((p) => p.labels),
    files: parts.flatMap((p) => p.files),
  };
}
