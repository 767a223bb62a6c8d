import * as tf from '@tensorflow/tfjs-core';
import { CxrError, assertArgument } from '@cxr/core';
import { BatchDataset } from './batch.js';
import { Catalog, type DecodeFn, type Fetched, type SourceItem } from './catalog.js';
import { passOrder, passSize, peekPass, startPass, type OrderOp } from './order.js';
import { rawImageToTensor, tensorToRawImage } from './pixels.js';
import type { Batch, BatchOptions, Dataset, LoadReport, OnError, RawImage, Sample, SampleDataset, SkippedFile } from './types.js';

/**
 * Internal hook (not part of the public `SampleDataset` interface): the dataset made of the
 * samples at these positions of the next pass (`labels()` / `files()` order), in the order given,
 * sharing decoding, caches, map steps and the report's skipped list with this one.
 */
export const SELECT_POSITIONS: unique symbol = Symbol('cxr.data.selectPositions');

/** A dataset that `validationSplit` can cut into parts. */
export interface Selectable {
  [SELECT_POSITIONS](positions: readonly number[]): SampleDataset;
}

export function isSelectable(dataset: unknown): dataset is Selectable {
  return typeof (dataset as Partial<Selectable> | null)?.[SELECT_POSITIONS] === 'function';
}

export type MapFn = (image: tf.Tensor3D, sample: Sample) => tf.Tensor3D;

/** Per-sample steps, in the order they were added. A cache store is shared by views made from it. */
type SampleOp = { kind: 'map'; fn: MapFn } | { kind: 'cache'; store: Map<number, RawImage> };

export interface FromSourcesOptions<S> {
  /** Class names; `items[i].label` indexes into them. */
  classes: readonly string[];
  items: readonly SourceItem<S>[];
  /** Source → pixels. Throw (ideally a CxrError) for a file that cannot be used. */
  decode: DecodeFn<S>;
  /** A decode that fails during a pass: throw (default) or skip the item and report it. */
  onError?: OnError;
  /** Files already left out before the dataset was made (e.g. by a folder scan), for `report()`. */
  skipped?: readonly SkippedFile[];
  /** Decodes started ahead of the consumer (default 4); async decoders then overlap with training. */
  prefetch?: number;
}

/**
 * A dataset from a list of sources and a decode function: the machinery under `imageFolder`,
 * `phantomDataset` and any custom loader. Decoding happens lazily, one pass at a time.
 */
export function fromSources<S>(options: FromSourcesOptions<S>): SampleDataset {
  const prefetch = options.prefetch ?? 4;
  assertArgument(Number.isInteger(prefetch) && prefetch >= 1, `prefetch must be an integer >= 1, got ${prefetch}`);
  const catalog = new Catalog<S>({
    classes: options.classes,
    items: options.items,
    decode: options.decode,
    onError: options.onError ?? 'throw',
    skipped: options.skipped ?? [],
  });
  return new SourceDataset(catalog, [], [], prefetch);
}

class SourceDataset<S> implements SampleDataset, Selectable {
  constructor(
    private readonly catalog: Catalog<S>,
    private readonly orderOps: readonly OrderOp[],
    private readonly sampleOps: readonly SampleOp[],
    private readonly prefetch: number,
  ) {}

  get classes(): readonly string[] {
    return this.catalog.classes;
  }

  get size(): number {
    return passSize(this.orderOps, this.catalog.size, (i) => this.catalog.isAlive(i));
  }

  shuffle(seed: number): SampleDataset {
    assertArgument(Number.isFinite(seed), `shuffle(seed) needs a finite number, got ${seed}`);
    return this.with([...this.orderOps, { kind: 'shuffle', seed: Math.floor(seed), passes: { next: 0 } }], this.sampleOps);
  }

  take(n: number): SampleDataset {
    assertArgument(Number.isInteger(n) && n >= 0, `take(n) needs an integer n >= 0, got ${n}`);
    return this.with([...this.orderOps, { kind: 'take', n }], this.sampleOps);
  }

  map(fn: MapFn): SampleDataset {
    assertArgument(typeof fn === 'function', 'map(fn) needs a function (image, sample) => image');
    return this.with(this.orderOps, [...this.sampleOps, { kind: 'map', fn }]);
  }

  cache(): SampleDataset {
    return this.with(this.orderOps, [...this.sampleOps, { kind: 'cache', store: new Map() }]);
  }

  batch(n: number, options: BatchOptions & { oneHot: true }): Dataset<Batch<tf.Tensor2D>>;
  batch(n: number, options?: BatchOptions & { oneHot?: false }): Dataset<Batch>;
  batch(n: number, options?: BatchOptions): Dataset<Batch<tf.Tensor1D | tf.Tensor2D>>;
  batch(n: number, options: BatchOptions = {}): Dataset<Batch<tf.Tensor1D | tf.Tensor2D>> {
    assertArgument(Number.isInteger(n) && n >= 1, `batch(n) needs an integer n >= 1, got ${n}`);
    const oneHot = options.oneHot ?? false;
    assertArgument(typeof oneHot === 'boolean', `batch(n, { oneHot }) must be true or false, got ${String(oneHot)}`);
    return new BatchDataset(this, n, options.dropRemainder ?? false, oneHot ? this.classes.length : null);
  }

  [SELECT_POSITIONS](positions: readonly number[]): SampleDataset {
    const order = this.nextOrder();
    const indices = positions.map((p) => {
      assertArgument(Number.isInteger(p) && p >= 0 && p < order.length, `position ${p} is not in [0, ${order.length})`);
      return order[p] as number;
    });
    // The part is a fixed list of items: earlier shuffles/takes are resolved into it.
    return this.with([{ kind: 'select', indices }], this.sampleOps);
  }

  labels(): number[] {
    return this.nextOrder().map((i) => (this.catalog.items[i] as SourceItem<S>).label);
  }

  files(): string[] {
    return this.nextOrder().map((i) => (this.catalog.items[i] as SourceItem<S>).file);
  }

  report(): LoadReport {
    const classes = [...this.catalog.classes];
    const counts: Record<string, number> = Object.fromEntries(classes.map((c) => [c, 0]));
    for (const label of this.labels()) counts[classes[label] as string]! += 1;
    return { classes, counts, skipped: this.catalog.skippedFiles() };
  }

  [Symbol.asyncIterator](): AsyncIterator<Sample> {
    return this.iterate(startPass(this.orderOps));
  }

  private with(orderOps: readonly OrderOp[], sampleOps: readonly SampleOp[]): SourceDataset<S> {
    return new SourceDataset(this.catalog, orderOps, sampleOps, this.prefetch);
  }

  private nextOrder(): number[] {
    return passOrder(this.orderOps, peekPass(this.orderOps), this.catalog.items.length, (i) => this.catalog.isAlive(i));
  }

  private cachedFrom(index: number): number {
    for (let k = this.sampleOps.length - 1; k >= 0; k--) {
      const op = this.sampleOps[k] as SampleOp;
      if (op.kind === 'cache' && op.store.has(index)) return k;
    }
    return -1;
  }

  private async *iterate(passes: number[]): AsyncGenerator<Sample> {
    const catalog = this.catalog;
    const order = passOrder(this.orderOps, passes, catalog.items.length, (i) => catalog.isAlive(i));
    // Decodes run `prefetch` items ahead; they produce plain pixels, never tensors, so nothing
    // leaks when the consumer stops early.
    const pending = new Map<number, Promise<Fetched>>();
    let started = 0;
    for (let pos = 0; pos < order.length; pos++) {
      for (; started < order.length && started < pos + this.prefetch; started++) {
        const index = order[started] as number;
        if (this.cachedFrom(index) < 0) pending.set(started, catalog.fetch(index));
      }
      const index = order[pos] as number;
      const fetched = pending.get(pos);
      pending.delete(pos);
      if (!catalog.isAlive(index)) continue;
      const sample = await this.produce(index, fetched);
      if (sample) yield sample;
    }
  }

  /** Pixels → tensor → map/cache steps, starting after the last cache that already holds `index`. */
  private async produce(index: number, fetched: Promise<Fetched> | undefined): Promise<Sample | null> {
    const item = this.catalog.items[index] as SourceItem<S>;
    const from = this.cachedFrom(index);
    let raw: RawImage | null;
    if (from >= 0) {
      raw = (this.sampleOps[from] as { store: Map<number, RawImage> }).store.get(index) as RawImage;
    } else {
      const result = await (fetched ?? this.catalog.fetch(index));
      if (!result.ok) {
        this.catalog.fail(index, result.error);
        return null;
      }
      raw = result.raw;
    }
    let image = rawImageToTensor(raw);
    try {
      for (let k = from + 1; k < this.sampleOps.length; k++) {
        const op = this.sampleOps[k] as SampleOp;
        if (op.kind === 'cache') {
          // Before any map the decoded pixels are stored as they are (Uint8 stays 1 byte a value).
          op.store.set(index, raw ?? tensorToRawImage(image));
        } else {
          const input = image;
          const output = tf.tidy(() => op.fn(input, { image: input, label: item.label, file: item.file }));
          if (output !== input) input.dispose();
          image = output;
          if (!(image instanceof tf.Tensor) || image.rank !== 3) {
            throw new CxrError('E_SHAPE_MISMATCH', `map(fn) must return a [height, width, channels] tensor; for ${item.file} it returned ${describe(image)}.`, {
              path: item.file,
            });
          }
          raw = null;
        }
      }
    } catch (error) {
      image.dispose();
      throw error;
    }
    return { image, label: item.label, file: item.file };
  }
}

function describe(value: unknown): string {
  return value instanceof tf.Tensor ? `a tensor of shape [${value.shape.join(', ')}]` : String(value);
}
