import type { Tensor1D, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import type { CxrErrorCode } from '@cxr/core';

/** One image. `image` is float32 in [0, 1], shape [height, width, channels]; the consumer disposes it. */
export interface Sample {
  image: Tensor3D;
  /** Class index into `dataset.classes`. */
  label: number;
  /** Where the image came from (path, URL or a synthetic id). */
  file: string;
}

/**
 * A batch of samples; the consumer disposes `images` and `labels`.
 * - `images`: [n, h, w, c] float32.
 * - `labels`: [n] int32 class indices (default, `Batch`), or with `batch(n, { oneHot: true })`
 *   [n, numClasses] float32 one-hot rows (`Batch<Tensor2D>`, what Keras' `class_mode='categorical'`
 *   and categorical cross-entropy expect); numClasses = `dataset.classes.length`.
 */
export interface Batch<L extends Tensor1D | Tensor2D = Tensor1D> {
  images: Tensor4D;
  labels: L;
  files: string[];
}

/** Options of `SampleDataset.batch`. */
export interface BatchOptions {
  /** Leave out a last batch smaller than `n` (default false). */
  dropRemainder?: boolean;
  /** Labels as float32 one-hot rows [n, numClasses] instead of int32 indices [n] (default false). */
  oneHot?: boolean;
}

/**
 * Decoded pixels before they become a tensor, row-major [height, width, channels].
 * Integer data is scaled to [0, 1] (Uint8 / 255, Uint16 / 65535); Float32 data is taken as is.
 */
export interface RawImage {
  data: Uint8Array | Uint16Array | Float32Array;
  width: number;
  height: number;
  channels: number;
}

/** A file the loader left out, and why. */
export interface SkippedFile {
  file: string;
  code: CxrErrorCode;
  reason: string;
}

export interface LoadReport {
  classes: string[];
  /** Images per class that are in the dataset (after skips). */
  counts: Record<string, number>;
  skipped: SkippedFile[];
}

/** What to do with a file that cannot be used: throw a coded CxrError, or skip it and report it. */
export type OnError = 'throw' | 'skip';

/**
 * A finite, re-iterable, async-iterable collection. Each `for await` pass yields fresh tensors.
 * Transformations return new datasets and never change this one.
 */
export interface Dataset<T> extends AsyncIterable<T> {
  readonly classes: readonly string[];
  /** Number of elements one pass yields (samples, or batches for a batched dataset). */
  readonly size: number;
  /**
   * Same elements in a seeded random order. Every pass gets a new order, derived from the seed and
   * the pass index (pass 0 is `createRng(seed).shuffle`), so a run is reproducible epoch by epoch,
   * like a PyTorch DataLoader with a seeded generator. Passes are counted per shuffled dataset, also
   * when they go through views made from it later (`.batch()`, `.map()`, …).
   */
  shuffle(seed: number): Dataset<T>;
  /** Files/samples left out so far, with reasons; per-class counts. */
  report(): LoadReport;
}

export interface SampleDataset extends Dataset<Sample> {
  shuffle(seed: number): SampleDataset;
  /**
   * Group `n` samples into a Batch (the last batch may be smaller unless `dropRemainder`). Labels are
   * int32 [n], or float32 one-hot [n, numClasses] with `oneHot: true`.
   */
  batch(n: number, options: BatchOptions & { oneHot: true }): Dataset<Batch<Tensor2D>>;
  batch(n: number, options?: BatchOptions & { oneHot?: false }): Dataset<Batch>;
  batch(n: number, options?: BatchOptions): Dataset<Batch<Tensor1D | Tensor2D>>;
  /** Apply a tensor transform to each image (the old image is disposed for you). */
  map(fn: (image: Tensor3D, sample: Sample) => Tensor3D): SampleDataset;
  /** The first `n` samples (of each pass: after a shuffle, a different `n` every pass). */
  take(n: number): SampleDataset;
  /** Keep decoded pixels in memory after the first pass so later passes skip decoding. */
  cache(): SampleDataset;
  /** Labels in the order the next pass will yield, without decoding any image. */
  labels(): number[];
  /** Sources (paths / ids) in the order the next pass will yield, without decoding any image. */
  files(): string[];
}
