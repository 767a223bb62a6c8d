import type * as tf from '@tensorflow/tfjs-core';
import type { SampleDataset } from '@cxr/data';
import { CxrError } from '@cxr/core';
import { deriveSeed, SeedStream } from './seeds.js';
import type { Labels } from './labels.js';

/** What the loops consume: a batch of images [n, h, w, c] float32 and class labels [n] int32 (or one-hot [n, k]). */
export interface BatchLike {
  images: tf.Tensor4D;
  labels: Labels;
  /** Sources of the images, when known (kept by `predict`). */
  files?: readonly string[];
}

/**
 * Training or evaluation data: a `SampleDataset` from @cxr/data (batched here, and shuffled
 * each epoch when training), or anything re-iterable that yields batches — a batched
 * `Dataset<Batch>`, an object with `[Symbol.asyncIterator]`, an array. Each pass must yield
 * fresh tensors: the loops dispose every batch after use, as the @cxr/data contract says.
 */
export type DataInput = SampleDataset | AsyncIterable<BatchLike> | Iterable<BatchLike>;

/** Data as a function of the epoch, plus what is known of its length. */
export interface EpochSource {
  batches(epoch: number): AsyncIterable<BatchLike>;
  /** Batches per pass, when known (for progress totals). */
  batchesPerEpoch: number | undefined;
}

export function isSampleDataset(data: unknown): data is SampleDataset {
  const d = data as Partial<SampleDataset> | null;
  return !!d && typeof d.batch === 'function' && typeof d.shuffle === 'function' && typeof d.size === 'number';
}

async function* fromSync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

export interface SourceOptions {
  batchSize: number;
  /** Reshuffle a SampleDataset every epoch (batched inputs are used in their own order). */
  shuffle: boolean;
  seed: number;
}

export function toEpochSource(data: DataInput, options: SourceOptions): EpochSource {
  if (isSampleDataset(data)) {
    const { batchSize, shuffle, seed } = options;
    return {
      batches: (epoch) =>
        (shuffle ? data.shuffle(deriveSeed(seed, SeedStream.shuffle, epoch)) : data).batch(batchSize) as AsyncIterable<BatchLike>,
      batchesPerEpoch: Math.ceil(data.size / batchSize),
    };
  }
  const d = data as Partial<AsyncIterable<BatchLike> & Iterable<BatchLike>> & { size?: unknown };
  if (d && typeof d[Symbol.asyncIterator] === 'function') {
    return {
      batches: () => data as AsyncIterable<BatchLike>,
      batchesPerEpoch: typeof d.size === 'number' ? d.size : undefined,
    };
  }
  if (d && typeof d[Symbol.iterator] === 'function') {
    return {
      batches: () => fromSync(data as Iterable<BatchLike>),
      batchesPerEpoch: Array.isArray(data) ? data.length : undefined,
    };
  }
  throw new CxrError(
    'E_BAD_ARGUMENT',
    'Expected a SampleDataset or an (async) iterable of { images, labels } batches.',
  );
}

/** Check a batch before it reaches the model; a wrong one is a coded error, not a tfjs stack trace. */
/**
 * Validate one batch, and its images against the model's input shape when a model is given, so
 * a grayscale image fed to an RGB model (or a wrong size) fails with a message saying what to do.
 */
export function checkBatch(batch: BatchLike, where: string, model?: { inputs: { shape: (number | null)[] }[] }): number {
  const { images, labels } = batch ?? ({} as BatchLike);
  if (!images || !labels || images.rank !== 4 || (labels.rank !== 1 && labels.rank !== 2)) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `${where}: a batch must be { images: [n, h, w, c], labels: [n] or one-hot [n, k] }, got images [${images?.shape}] and labels [${labels?.shape}].`,
    );
  }
  const n = images.shape[0];
  if (labels.shape[0] !== n) {
    throw new CxrError('E_SHAPE_MISMATCH', `${where}: ${n} images but ${labels.shape[0]} labels in one batch.`);
  }
  const expected = model?.inputs[0]?.shape;
  if (expected && expected.length === 4 && expected.slice(1).some((d, i) => d !== null && d !== images.shape[i + 1])) {
    const [, h, w, c] = expected;
    const hint =
      c !== images.shape[3]
        ? ` The model takes ${c} channel(s): convert with toChannels(image, ${c}) from @cxr/preprocess or load with { channels: ${c} }.`
        : ' Resize the images to the model input (imageSize option of the loader, or resizeTo from @cxr/preprocess).';
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `${where}: the model takes images [${h}, ${w}, ${c}] but the batch has [${images.shape.slice(1).join(', ')}].${hint}`,
    );
  }
  return n;
}

export function disposeBatch(batch: BatchLike | undefined): void {
  batch?.images?.dispose();
  batch?.labels?.dispose();
}
