import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { fromSources, phantomDataset, validationSplit, type RawImage, type SampleDataset } from '../src/index.js';
import { imageFolder } from '../src/node.js';
import { CXR3, useCpu } from './fixtures.js';

beforeAll(useCpu);

/** A dataset from (class, file) pairs; decoding counts calls and encodes nothing useful. */
function listed(classes: string[], items: Array<[label: number, file: string]>) {
  const decoded: string[] = [];
  const ds = fromSources<string>({
    classes,
    items: items.map(([label, file]) => ({ source: file, label, file })),
    decode: (file): RawImage => {
      decoded.push(file);
      return { data: new Uint8Array(4), width: 2, height: 2, channels: 1 };
    },
  });
  return { ds, decoded };
}

/** `count` files per class, named like a Keras folder: root/<class>/<i>.png. */
function folderLike(counts: Record<string, number>) {
  const classes = Object.keys(counts).sort();
  const items: Array<[number, string]> = [];
  classes.forEach((name, label) => {
    for (let i = 0; i < (counts[name] as number); i++) items.push([label, `/data/train/${name}/${String(i).padStart(3, '0')}.png`]);
  });
  return listed(classes, items);
}

function expectPartition(all: SampleDataset, a: SampleDataset, b: SampleDataset): void {
  const left = a.files();
  const right = b.files();
  expect(new Set(left).size).toBe(left.length);
  expect(left.filter((f) => right.includes(f))).toEqual([]);
  expect([...left, ...right].sort()).toEqual([...all.files()].sort());
  expect(a.size + b.size).toBe(all.size);
}

describe("validationSplit, mode 'keras' (default)", () => {
  it('per class, the first int(f * n) sorted files are validation, the rest training', () => {
    const { ds, decoded } = folderLike({ COVID19: 111, NORMAL: 70, PNEUMONIA: 70 });
    const { train, validation, warnings } = validationSplit(ds, 0.2);
    expect(warnings).toEqual([]);
    // Keras: int(0.2 * 111) = 22, int(0.2 * 70) = 14.
    expect(validation.report().counts).toEqual({ COVID19: 22, NORMAL: 14, PNEUMONIA: 14 });
    expect(train.report().counts).toEqual({ COVID19: 89, NORMAL: 56, PNEUMONIA: 56 });
    expect(validation.files().slice(0, 3)).toEqual(['/data/train/COVID19/000.png', '/data/train/COVID19/001.png', '/data/train/COVID19/002.png']);
    expect(validation.files()[22]).toBe('/data/train/NORMAL/000.png');
    expect(train.files()[0]).toBe('/data/train/COVID19/022.png');
    expectPartition(ds, train, validation);
    expect(decoded).toEqual([]);
  });

  it('ignores the input order (shuffled in, same split out, Keras order) and is repeatable', () => {
    const { ds } = folderLike({ a: 9, b: 6 });
    const plain = validationSplit(ds, 0.3);
    const shuffled = validationSplit(ds.shuffle(7), 0.3);
    expect(shuffled.validation.files()).toEqual(plain.validation.files());
    expect(shuffled.train.files()).toEqual(plain.train.files());
    // int(0.3 * 9) = 2, int(0.3 * 6) = 1
    expect(plain.validation.report().counts).toEqual({ a: 2, b: 1 });
  });

  it("sorts like Keras' os.walk: a folder's own files before its sub-folders'", () => {
    const { ds } = listed(
      ['a', 'b'],
      [
        [0, '/r/a/sub/0.png'],
        [0, '/r/a/z.png'],
        [0, '/r/a/y.png'],
        [0, '/r/a/sub/1.png'],
        [1, '/r/b/0.png'],
        [1, '/r/b/1.png'],
      ],
    );
    const { validation, train } = validationSplit(ds, 0.5);
    expect(validation.files()).toEqual(['/r/a/y.png', '/r/a/z.png', '/r/b/0.png']);
    expect(train.files()).toEqual(['/r/a/sub/0.png', '/r/a/sub/1.png', '/r/b/1.png']);
  });

  it('a class too small for one validation sample stays in training, with a warning', () => {
    const { ds } = folderLike({ big: 10, tiny: 4 });
    const { train, validation, warnings } = validationSplit(ds, 0.2);
    expect(validation.report().counts).toEqual({ big: 2, tiny: 0 });
    expect(train.report().counts).toEqual({ big: 8, tiny: 4 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/'tiny'.*int\(0\.2 \* 4\) = 0/);
  });

  it('refuses a seed and stratify: false (Keras is neither random nor unstratified)', () => {
    const { ds } = folderLike({ a: 5, b: 5 });
    expect(() => validationSplit(ds, 0.2, { seed: 1 })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringMatching(/mode: 'random'/) }));
    expect(() => validationSplit(ds, 0.2, { stratify: false })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });
});

describe("validationSplit, mode 'random'", () => {
  it('stratified: ceil(f * n) in validation, shared like scikit-learn, disjoint and covering', () => {
    const { ds, decoded } = folderLike({ a: 50, b: 30, c: 20 });
    const { train, validation, warnings } = validationSplit(ds, 0.2, { mode: 'random', seed: 3 });
    expect(warnings).toEqual([]);
    expect(validation.report().counts).toEqual({ a: 10, b: 6, c: 4 });
    expect(train.report().counts).toEqual({ a: 40, b: 24, c: 16 });
    expectPartition(ds, train, validation);
    // Not simply the first files of each class.
    expect(validation.files().filter((f) => f.includes('/a/'))).not.toEqual(ds.files().slice(0, 10));
    expect(decoded).toEqual([]);
  });

  it('same seed → same split, whatever the input order; another seed → another split', () => {
    const { ds } = folderLike({ a: 40, b: 25 });
    const one = validationSplit(ds, 0.25, { mode: 'random', seed: 11 });
    const again = validationSplit(ds.shuffle(5), 0.25, { mode: 'random', seed: 11 });
    const other = validationSplit(ds, 0.25, { mode: 'random', seed: 12 });
    expect([...again.validation.files()].sort()).toEqual([...one.validation.files()].sort());
    expect(validationSplit(ds, 0.25, { mode: 'random', seed: 11 }).validation.files()).toEqual(one.validation.files());
    expect(other.validation.files()).not.toEqual(one.validation.files());
    // Parts keep the input's order.
    const order = ds.files();
    const positions = one.train.files().map((f) => order.indexOf(f));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('stratify: false takes ceil(f * n) overall, classes as they fall', () => {
    const { ds } = folderLike({ a: 7, b: 6 });
    const { train, validation, warnings } = validationSplit(ds, 0.3, { mode: 'random', seed: 1, stratify: false });
    expect(validation.size).toBe(4); // ceil(0.3 * 13) = 4
    expect(train.size).toBe(9);
    expect(warnings).toEqual([]);
    expectPartition(ds, train, validation);
  });

  it('stratified: a class of one sample → E_BAD_ARGUMENT naming it; a class of two gets one in each part', () => {
    const lonely = folderLike({ a: 10, b: 1 }).ds;
    expect(() => validationSplit(lonely, 0.2, { mode: 'random' })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringMatching(/class 'b' has a single sample/) }));
    expect(validationSplit(lonely, 0.2, { mode: 'random', stratify: false }).train.size).toBe(8); // 11 - ceil(2.2)

    const { ds } = folderLike({ a: 20, b: 2 });
    const { train, validation, warnings } = validationSplit(ds, 0.1, { mode: 'random', seed: 0 });
    expect(validation.report().counts['b']).toBe(1);
    expect(train.report().counts['b']).toBe(1);
    expect(warnings.join('\n')).toMatch(/'b'/);
  });
});

describe('validationSplit: bad input and datasets', () => {
  it('fraction outside (0, 1) → E_BAD_ARGUMENT', () => {
    const { ds } = folderLike({ a: 5, b: 5 });
    for (const fraction of [0, 1, -0.1, 1.5, Number.NaN, '0.2' as unknown as number]) {
      expect(() => validationSplit(ds, fraction)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringMatching(/fraction/) }));
    }
    expect(() => validationSplit(ds, 0.2, { mode: 'sklearn' as 'random' })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => validationSplit(ds, 0.99, { mode: 'random' })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringMatching(/training part empty/) }));
  });

  it('a dataset not made by @cxr/data → E_BAD_ARGUMENT', () => {
    const { ds } = folderLike({ a: 5, b: 5 });
    const foreign = { ...ds, classes: ds.classes, size: ds.size, labels: () => ds.labels(), files: () => ds.files() } as unknown as SampleDataset;
    expect(() => validationSplit(foreign, 0.2)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });

  it('parts are real datasets: they decode, batch one-hot, keep map steps, and report per part', async () => {
    const ds = phantomDataset({ perClass: 5, imageSize: 16, channels: 1 }).map((image) => tf.mul(image, 0));
    const { train, validation } = validationSplit(ds, 0.4);
    expect(validation.report().counts).toEqual({ COVID19: 2, NORMAL: 2 });
    expect(train.size).toBe(6);
    const before = tf.memory().numTensors;
    let seen = 0;
    for await (const { images, labels } of train.shuffle(1).batch(4, { oneHot: true })) {
      expect(labels.shape).toEqual([images.shape[0], 2]);
      expect(tf.tidy(() => tf.max(images).dataSync()[0])).toBe(0);
      seen += images.shape[0];
      tf.dispose([images, labels]);
    }
    expect(seen).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
    expect(validation.take(1).size).toBe(1);
  });
});

const haveCxr3 = existsSync(join(CXR3, 'train'));
describe.skipIf(!haveCxr3)(`validationSplit on the real cxr3 train folder (${CXR3}; skipped when absent)`, () => {
  it("reproduces flow_from_directory(validation_split=0.2)'s counts: 50 validation, 201 training", async () => {
    const ds = await imageFolder(join(CXR3, 'train'));
    const { train, validation, warnings } = validationSplit(ds, 0.2);
    expect(warnings).toEqual([]);
    expect(validation.size).toBe(50);
    expect(train.size).toBe(201);
    expect(validation.report().counts).toEqual({ COVID19: 22, NORMAL: 14, PNEUMONIA: 14 });
    expect(validation.files()[0]).toBe(join(CXR3, 'train', 'COVID19', '01.jpeg'));
    expectPartition(ds, train, validation);
  });
});
