import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import type { Batch, Dataset, LoadReport, Sample, SampleDataset } from './types.js';

/**
 * Groups consecutive samples of a pass into batches. `shuffle` reshuffles the samples and then
 * batches again (unlike tf.data, whose shuffle after batch would only reorder whole batches).
 */
export class BatchDataset implements Dataset<Batch> {
  constructor(
    private readonly samples: SampleDataset,
    private readonly batchSize: number,
    private readonly dropRemainder: boolean,
  ) {}

  get classes(): readonly string[] {
    return this.samples.classes;
  }

  get size(): number {
    const n = this.samples.size;
    return this.dropRemainder ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  shuffle(seed: number): Dataset<Batch> {
    return new BatchDataset(this.samples.shuffle(seed), this.batchSize, this.dropRemainder);
  }

  report(): LoadReport {
    return this.samples.report();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
    const pending: Sample[] = [];
    try {
      for await (const sample of this.samples) {
        pending.push(sample);
        if (pending.length === this.batchSize) yield stackBatch(pending.splice(0));
      }
      if (pending.length > 0 && !this.dropRemainder) yield stackBatch(pending.splice(0));
    } finally {
      // The consumer stopped early or a decode threw: free what was collected for the next batch.
      for (const sample of pending) sample.image.dispose();
    }
  }
}

/** Stack samples into one batch; the samples' own tensors are disposed either way. */
export function stackBatch(samples: readonly Sample[]): Batch {
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
    const images = tf.stack(samples.map((s) => s.image)) as tf.Tensor4D;
    const labels = tf.tensor1d(
      samples.map((s) => s.label),
      'int32',
    );
    return { images, labels, files: samples.map((s) => s.file) };
  } finally {
    for (const sample of samples) sample.image.dispose();
  }
}
