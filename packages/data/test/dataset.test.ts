import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CxrError, createRng } from '@cxr/core';
import { fromSources, phantomDataset, type Batch, type Dataset, type RawImage, type Sample, type SampleDataset } from '../src/index.js';
import { useCpu } from './fixtures.js';

beforeAll(useCpu);

/** A tiny dataset whose pixel value encodes the item, with a decode counter and optional failures. */
function numbered(n: number, options: { fail?: number[]; onError?: 'throw' | 'skip'; shapeOf?: (i: number) => [number, number] } = {}) {
  const calls: number[] = [];
  const ds = fromSources<number>({
    classes: ['a', 'b'],
    items: Array.from({ length: n }, (_, i) => ({ source: i, label: i % 2, file: `item${i}` })),
    decode: async (i): Promise<RawImage> => {
      calls.push(i);
      if (options.fail?.includes(i)) throw new Error('broken bytes');
      const [height, width] = options.shapeOf?.(i) ?? [2, 2];
      return { data: new Uint8Array(height * width).fill(i), width, height, channels: 1 };
    },
    onError: options.onError,
  });
  return { ds, calls };
}

async function collect(ds: SampleDataset): Promise<string[]> {
  const files: string[] = [];
  for await (const { image, file } of ds) {
    files.push(file);
    image.dispose();
  }
  return files;
}

async function collectBatches(ds: Dataset<Batch>): Promise<Array<{ shape: number[]; labels: number[]; files: string[]; dtype: string }>> {
  const out = [];
  for await (const { images, labels, files } of ds) {
    out.push({ shape: images.shape, labels: Array.from(labels.dataSync()), files, dtype: labels.dtype });
    images.dispose();
    labels.dispose();
  }
  return out;
}

const sorted = (xs: string[]): string[] => [...xs].sort();

describe('fromSources', () => {
  it('yields every item in order, pixels scaled to [0, 1]', async () => {
    const { ds } = numbered(3);
    expect(ds.size).toBe(3);
    expect(ds.classes).toEqual(['a', 'b']);
    const values: number[] = [];
    for await (const { image, label, file } of ds) {
      expect(image.shape).toEqual([2, 2, 1]);
      values.push(image.dataSync()[0] as number);
      expect(label).toBe(Number(file.slice(4)) % 2);
      image.dispose();
    }
    expect(values).toEqual([0, 1 / 255, 2 / 255].map((v) => Math.fround(v)));
  });

  it('checks labels and class names', () => {
    const decode = (): RawImage => ({ data: new Uint8Array(1), width: 1, height: 1, channels: 1 });
    expect(() => fromSources({ classes: ['a', 'b'], items: [{ source: 0, label: 2, file: 'x' }], decode })).toThrow(
      expect.objectContaining({ code: 'E_BAD_ARGUMENT' }),
    );
    expect(() => fromSources({ classes: ['a', 'a'], items: [], decode })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });

  it('rejects a decoder that returns the wrong number of values', async () => {
    const ds = fromSources({
      classes: ['a', 'b'],
      items: [{ source: 0, label: 0, file: 'bad' }],
      decode: () => ({ data: new Uint8Array(3), width: 2, height: 2, channels: 1 }),
    });
    await expect(collect(ds)).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', path: 'bad' });
  });
});

describe('shuffle', () => {
  it('yields every sample exactly once per pass, in a new order each pass', async () => {
    const { ds } = numbered(20);
    const shuffled = ds.shuffle(7);
    const passes = [await collect(shuffled), await collect(shuffled), await collect(shuffled)];
    for (const pass of passes) expect(sorted(pass)).toEqual(sorted(ds.files()));
    expect(passes[1]).not.toEqual(passes[0]);
    expect(passes[2]).not.toEqual(passes[1]);
    expect(passes[0]).not.toEqual(ds.files());
  });

  it('replays the same sequence of orders for the same seed', async () => {
    const a = numbered(20).ds.shuffle(7);
    const b = numbered(20).ds.shuffle(7);
    for (let pass = 0; pass < 3; pass++) expect(await collect(b)).toEqual(await collect(a));
    const c = numbered(20).ds.shuffle(8);
    expect(await collect(c)).not.toEqual(await collect(numbered(20).ds.shuffle(7)));
  });

  it('pass 0 is createRng(seed).shuffle of the items', async () => {
    const { ds } = numbered(10);
    expect(await collect(ds.shuffle(42))).toEqual(createRng(42).shuffle(ds.files()));
  });

  it('labels() and files() tell the order of the next pass', async () => {
    const { ds } = numbered(12);
    const shuffled = ds.shuffle(3);
    for (let pass = 0; pass < 2; pass++) {
      const files = shuffled.files();
      const labels = shuffled.labels();
      expect(await collect(shuffled)).toEqual(files);
      expect(labels).toEqual(files.map((f) => Number(f.slice(4)) % 2));
    }
  });

  it('counts passes on the shuffled dataset, also through views made each epoch', async () => {
    const { ds } = numbered(10);
    const shuffled = ds.shuffle(5);
    const epoch1 = (await collectBatches(shuffled.batch(4))).flatMap((b) => b.files);
    const epoch2 = (await collectBatches(shuffled.batch(4))).flatMap((b) => b.files);
    expect(epoch2).not.toEqual(epoch1);
    expect(sorted(epoch2)).toEqual(sorted(epoch1));
  });
});

describe('batch', () => {
  it('stacks [n, h, w, c] float32 images and int32 labels; the last batch is smaller', async () => {
    const { ds } = numbered(10);
    const batched = ds.batch(4);
    expect(batched.size).toBe(3);
    expect(batched.classes).toEqual(['a', 'b']);
    const batches = await collectBatches(batched);
    expect(batches.map((b) => b.shape)).toEqual([
      [4, 2, 2, 1],
      [4, 2, 2, 1],
      [2, 2, 2, 1],
    ]);
    expect(batches[0]).toMatchObject({ labels: [0, 1, 0, 1], files: ['item0', 'item1', 'item2', 'item3'], dtype: 'int32' });
  });

  it('drops the remainder when asked', async () => {
    const batched = numbered(10).ds.batch(4, { dropRemainder: true });
    expect(batched.size).toBe(2);
    expect((await collectBatches(batched)).length).toBe(2);
  });

  it('shuffle() of a batched dataset reshuffles the samples', async () => {
    const batched = numbered(10).ds.batch(5).shuffle(1);
    const files = (await collectBatches(batched)).flatMap((b) => b.files);
    expect(files).toEqual(createRng(1).shuffle(numbered(10).ds.files()));
  });

  it('refuses images of different shapes with E_SHAPE_MISMATCH and leaks nothing', async () => {
    const { ds } = numbered(4, { shapeOf: (i) => (i === 2 ? [3, 2] : [2, 2]) });
    const before = tf.memory().numTensors;
    await expect(collectBatches(ds.batch(4))).rejects.toMatchObject({ code: 'E_SHAPE_MISMATCH', path: 'item2' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a bad batch size', () => {
    expect(() => numbered(2).ds.batch(0)).toThrow(CxrError);
    expect(() => numbered(2).ds.batch(1.5)).toThrow(CxrError);
  });
});

describe('take, map, cache', () => {
  it('take(n) keeps the first n; after a shuffle, a different n each pass', async () => {
    const { ds } = numbered(10);
    expect(await collect(ds.take(3))).toEqual(['item0', 'item1', 'item2']);
    expect(ds.take(30).size).toBe(10);
    const sample = ds.shuffle(2).take(4);
    expect(sample.size).toBe(4);
    const a = await collect(sample);
    const b = await collect(sample);
    expect(a).toHaveLength(4);
    expect(b).not.toEqual(a);
  });

  it('map transforms each image and disposes the old one', async () => {
    const { ds } = numbered(4);
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const mapped = ds.map((image, sample) => {
      seen.push(sample.file);
      return tf.reshape(tf.mul(image, 2), [1, 4, 1]) as tf.Tensor3D;
    });
    for await (const { image } of mapped) {
      expect(image.shape).toEqual([1, 4, 1]);
      image.dispose();
    }
    expect(seen).toEqual(ds.files());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('map must return a rank-3 tensor', async () => {
    const mapped = numbered(2).ds.map((image) => tf.reshape(image, [4]) as unknown as tf.Tensor3D);
    const before = tf.memory().numTensors;
    await expect(collect(mapped)).rejects.toMatchObject({ code: 'E_SHAPE_MISMATCH' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cache decodes once, then serves the same pixels on later passes', async () => {
    const { ds, calls } = numbered(6);
    const cached = ds.cache().shuffle(4);
    const values = async (): Promise<Map<string, number[]>> => {
      const out = new Map<string, number[]>();
      for await (const { image, file } of cached) {
        out.set(file, Array.from(image.dataSync()));
        image.dispose();
      }
      return out;
    };
    const first = await values();
    expect(calls).toHaveLength(6);
    expect(await values()).toEqual(first);
    expect(calls).toHaveLength(6);
  });

  it('cache after map stores the mapped pixels', async () => {
    const { ds, calls } = numbered(3);
    let maps = 0;
    const cached = ds
      .map((image) => {
        maps++;
        return tf.add(image, 1) as tf.Tensor3D;
      })
      .cache();
    const pass = async (): Promise<number[]> => {
      const out: number[] = [];
      for await (const { image } of cached) {
        out.push(image.dataSync()[0] as number);
        image.dispose();
      }
      return out;
    };
    const first = await pass();
    expect(await pass()).toEqual(first);
    expect(first[0]).toBeCloseTo(1);
    expect(calls).toHaveLength(3);
    expect(maps).toBe(3);
  });
});

describe('bad items during a pass', () => {
  it("onError 'throw' (default) throws E_IMAGE_DECODE naming the item", async () => {
    const { ds } = numbered(5, { fail: [3] });
    const before = tf.memory().numTensors;
    await expect(collectBatches(ds.batch(2))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', path: 'item3' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("onError 'skip' leaves the item out from then on and reports it", async () => {
    const { ds, calls } = numbered(6, { fail: [1, 4], onError: 'skip' });
    const shuffled = ds.shuffle(1);
    expect(ds.size).toBe(6);
    const first = await collect(shuffled);
    expect(sorted(first)).toEqual(['item0', 'item2', 'item3', 'item5']);
    expect(ds.size).toBe(4);
    expect(shuffled.size).toBe(4);
    expect(ds.files()).toEqual(['item0', 'item2', 'item3', 'item5']);
    const report = ds.report();
    expect(report.counts).toEqual({ a: 2, b: 2 });
    expect(report.skipped.map((s) => [s.file, s.code])).toEqual(
      expect.arrayContaining([
        ['item1', 'E_IMAGE_DECODE'],
        ['item4', 'E_IMAGE_DECODE'],
      ]),
    );
    expect(report.skipped[0]?.reason).toContain('broken bytes');
    calls.length = 0;
    expect(sorted(await collect(shuffled))).toEqual(sorted(first));
    expect(calls).not.toContain(1);
    expect(calls).not.toContain(4);
  });
});

describe('tensor leaks', () => {
  it('a full pass leaves tf.memory().numTensors unchanged when the consumer disposes', async () => {
    const ds = phantomDataset({ perClass: 6, imageSize: 16 })
      .map((image) => tf.image.resizeBilinear(image, [8, 8]) as tf.Tensor3D)
      .shuffle(3);
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 2; epoch++) {
      for await (const { images, labels } of ds.batch(5)) {
        images.dispose();
        labels.dispose();
      }
    }
    for await (const sample of ds) sample.image.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stopping early leaks nothing (prefetched decodes hold no tensors)', async () => {
    const ds = fromSources({
      classes: ['a', 'b'],
      items: Array.from({ length: 20 }, (_, i) => ({ source: i, label: i % 2, file: String(i) })),
      decode: async (): Promise<RawImage> => ({ data: new Float32Array(4), width: 2, height: 2, channels: 1 }),
      prefetch: 8,
    });
    const before = tf.memory().numTensors;
    for await (const { images, labels } of ds.batch(3)) {
      images.dispose();
      labels.dispose();
      break;
    }
    let taken: Sample | undefined;
    for await (const sample of ds) {
      taken = sample;
      break;
    }
    taken?.image.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
