import * as tf from '@tensorflow/tfjs-core';
import { CxrError, assertArgument } from '@cxr/core';
import type { Batch, Dataset, LoadReport, Sample, SampleDataset } from './types.js';

/**
 * Groups consecutive samples of a pass into batches. `shuffle` reshuffles the samples and then
 * batches again (unlike tf.data, whose shuffle after batch would only reorder whole batches).
 */
export class BatchDataset implements Dataset<Batch<tf.Tensor1D | tf.Tensor2D>> {
  constructor(
    private readonly samples: SampleDataset,
    private readonly batchSize: number,
    private readonly dropRemainder: boolean,
    /** One-hot labels with this many classes, or int32 indices when null. */
    private readonly oneHotClasses: number | null = null,
  ) {}

  get classes(): readonly string[] {
    return this.samples.classes;
  }

  get size(): number {
    const n = this.samples.size;
    return this.dropRemainder ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  shuffle(seed: number): Dataset<Batch<tf.Tensor1D | tf.Tensor2D>> {
    return new BatchDataset(this.samples.shuffle(seed), this.batchSize, this.dropRemainder, this.oneHotClasses);
  }

  report(): LoadReport {
    return this.samples.report();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Batch<tf.Tensor1D | tf.Tensor2D>> {
    const pending: Sample[] = [];
    const stack = (samples: Sample[]): Batch<tf.Tensor1D | tf.Tensor2D> =>
      this.oneHotClasses === null ? stackBatch(samples) : stackBatch(samples, { oneHot: this.oneHotClasses });
    try {
      for await (const sample of this.samples) {
        pending.push(sample);
        if (pending.length === this.batchSize) yield stack(pending.splice(0));
      }
      if (pending.length > 0 && !this.dropRemainder) yield stack(pending.splice(0));
    } finally {
      // The consumer stopped early or a decode threw: free what was collected for the next batch.
      for (const sample of pending) sample.image.dispose();
    }
  }
}

/**
 * Stack samples into one batch; the samples' own tensors are disposed either way. Labels are int32
 * [n], or float32 one-hot [n, numClasses] with `{ oneHot: numClasses }`.
 */
export function stackBatch(samples: readonly Sample[]): Batch;
export function stackBatch(samples: readonly Sample[], options: { oneHot: number }): Batch<tf.Tensor2D>;
export function stackBatch(samples: readonly Sample[], options: { oneHot?: number } = {}): Batch<tf.Tensor1D | tf.Tensor2D> {
  try {
    const first = samples[0] as Sample;
    const shape = first.image.shape;
    const odd = samples.find((s) => s.image.shape.some((d, k) => d !== shape[k]));
    if (odd) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `Cannot batch images of different shapes: ${first.file} is [${shape.join(', ')}] but ${odd.file} is [${odd.image.shape.join(', ')}]. ` +
          'Give the loader an imageSize (e.g. imageFolder(dir, { imageSize: 224 })) or map every image to one size before batch().',
        { path: odd.file },
      );
    }
    const indices = samples.map((s) => s.label);
    // Labels first: a bad label must not leave a stacked image batch behind.
    const labels = options.oneHot === undefined ? tf.tensor1d(indices, 'int32') : oneHot(indices, options.oneHot);
    const images = tf.stack(samples.map((s) => s.image)) as tf.Tensor4D;
    return { images, labels, files: samples.map((s) => s.file) };
  } finally {
    for (const sample of samples) sample.image.dispose();
  }
}

/**
 * Class indices → one-hot rows: float32 [n, numClasses], 1 at each label's index, 0 elsewhere
 * (Keras `to_categorical`). Accepts a number array, an Int32Array or an int32/float32 [n] tensor
 * (not disposed). Throws E_BAD_ARGUMENT for a label that is not an integer in [0, numClasses).
 */
export function oneHot(labels: readonly number[] | Int32Array | tf.Tensor1D, numClasses: number): tf.Tensor2D {
  assertArgument(Number.isInteger(numClasses) && numClasses >= 1, `oneHot: numClasses must be an integer >= 1, got ${numClasses}`);
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    assertArgument(labels.rank === 1, `oneHot: labels must be a [n] tensor of class indices, got shape [${labels.shape.join(', ')}]`);
    values = labels.dataSync();
  } else {
    assertArgument(Array.isArray(labels) || labels instanceof Int32Array, 'oneHot: labels must be an array of class indices');
    values = labels;
  }
  const out = new Float32Array(values.length * numClasses);
  for (let k = 0; k < values.length; k++) {
    const label = values[k] as number;
    assertArgument(
      Number.isInteger(label) && label >= 0 && label < numClasses,
      `oneHot: label ${label} at position ${k} is not a class index in [0, ${numClasses})`,
    );
    out[k * numClasses + label] = 1;
  }
  return tf.tensor2d(out, [values.length, numClasses], 'float32');
}
