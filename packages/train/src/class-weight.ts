import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { disposeBatch, isSampleDataset, toEpochSource, type DataInput } from './data-source.js';
import { classIndices } from './labels.js';

/**
 * Class weights for `fit`: an explicit `{ classIndex: weight }` (classes left out weigh 1, as
 * Keras 3), `'balanced'` (scikit-learn: n_samples / (n_classes · count_c), n_classes = classes
 * present in the training labels) or `'maxOverCount'` (the seed-002 article: max_c' count_c' / count_c).
 */
export type ClassWeightSpec = Record<number, number> | 'balanced' | 'maxOverCount';

/** Per-class sample counts from class-index labels; `numClasses` fixes the length. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new CxrError('E_UNKNOWN_CLASS', `classWeight: label ${c} is not a class of a ${numClasses}-class model.`);
    }
    counts[c]! += 1;
  }
  return counts;
}

/**
 * The weight of each class [numClasses] for a spec and the training labels' counts.
 * Computed weights of classes absent from the training data are 1 (they never weigh a sample).
 * Explicit weights for classes outside [0, numClasses), or not finite / negative: `E_BAD_ARGUMENT`.
 */
export function computeClassWeights(spec: ClassWeightSpec, counts: readonly number[]): number[] {
  const k = counts.length;
  if (spec === 'balanced' || spec === 'maxOverCount') {
    const present = counts.filter((c) => c > 0);
    if (present.length === 0) throw new CxrError('E_BAD_ARGUMENT', 'classWeight: the training data has no labels.');
    const n = present.reduce((a, b) => a + b, 0);
    const max = Math.max(...present);
    return counts.map((c) => (c === 0 ? 1 : spec === 'balanced' ? n / (present.length * c) : max / c));
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `classWeight must be { classIndex: weight }, 'balanced' or 'maxOverCount', got ${JSON.stringify(spec)}.`,
    );
  }
  const weights = new Array<number>(k).fill(1);
  for (const [key, w] of Object.entries(spec)) {
    const c = Number(key);
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new CxrError(
        'E_BAD_ARGUMENT',
        `classWeight names class ${JSON.stringify(key)}, but the model has ${k} classes (0…${k - 1}).`,
      );
    }
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new CxrError('E_BAD_ARGUMENT', `classWeight[${key}] must be a finite number ≥ 0, got ${String(w)}.`);
    }
    weights[c] = w;
  }
  return weights;
}

/** Class-index labels of the whole training set: `SampleDataset.labels()`, else one pass over the batches. */
export async function trainingLabels(data: DataInput): Promise<number[]> {
  if (isSampleDataset(data) && typeof data.labels === 'function') return data.labels();
  const source = toEpochSource(data, { batchSize: 256, shuffle: false, seed: 0 });
  const labels: number[] = [];
  for await (const batch of source.batches(0)) {
    try {
      const idx = tf.tidy(() => classIndices(batch.labels));
      labels.push(...(await idx.data()));
      idx.dispose();
    } finally {
      disposeBatch(batch);
    }
  }
  return labels;
}

/** Number of classes of a model output [n, k] (2 for a single logit). */
export function outputClasses(outputShape: readonly (number | null)[]): number {
  const k = outputShape.length === 2 ? (outputShape[1] ?? 1) : 1;
  return Math.max(2, k);
}

/** The class-weight table for `fit`, or null without `classWeight`. */
export async function resolveClassWeights(
  spec: ClassWeightSpec | undefined,
  data: DataInput,
  numClasses: number,
): Promise<number[] | null> {
  if (spec === undefined) return null;
  if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) return computeClassWeights(spec, new Array<number>(numClasses).fill(0));
  if (spec !== 'balanced' && spec !== 'maxOverCount') return computeClassWeights(spec, []); // throws with the message
  return computeClassWeights(spec, classCounts(await trainingLabels(data), numClasses));
}

/** Per-sample weights [n] for a batch's labels (class indices or one-hot). Must run in a tidy. */
export function sampleWeightsFor(labels: tf.Tensor1D | tf.Tensor2D, table: tf.Tensor1D): tf.Tensor1D {
  const k = table.shape[0];
  return tf.gather(table, tf.clipByValue(classIndices(labels), 0, k - 1)) as tf.Tensor1D;
}
