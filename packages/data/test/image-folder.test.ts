import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { CxrErrorCode } from '@cxr/core';
import { imageFolder, type ImageFolderOptions } from '../src/node.js';
import type { SampleDataset } from '../src/index.js';
import { CXR3, tempDir, useCpu, writeImage, writeRaw, writeTruncatedJpeg } from './fixtures.js';

beforeAll(useCpu);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function scratch(): Promise<string> {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  return dir;
}

/** A valid two-class folder (a: 2 images, b: 2 images) to break in one way per test. */
async function twoClasses(): Promise<string> {
  const dir = await scratch();
  await Promise.all([
    writeImage(join(dir, 'a', '1.png')),
    writeImage(join(dir, 'a', '2.jpg')),
    writeImage(join(dir, 'b', '1.png')),
    writeImage(join(dir, 'b', '2.webp')),
  ]);
  return dir;
}

async function expectCode(promise: Promise<unknown>, code: CxrErrorCode, path?: string): Promise<void> {
  await expect(promise).rejects.toMatchObject(path === undefined ? { name: 'CxrError', code } : { name: 'CxrError', code, path });
}

async function pass(ds: SampleDataset): Promise<Array<{ file: string; label: number; shape: number[] }>> {
  const out = [];
  for await (const { image, file, label } of ds) {
    out.push({ file, label, shape: image.shape });
    image.dispose();
  }
  return out;
}

const haveCxr3 = existsSync(join(CXR3, 'train'));
if (!haveCxr3) console.warn(`[cxr] real-data tests skipped: no cxr3 dataset at ${CXR3} (set CXR3_DIR to its folder to run them)`);

describe.skipIf(!haveCxr3)(`imageFolder on the real cxr3 data (${CXR3}; skipped when absent)`, () => {
  const train = join(CXR3, 'train');

  it('finds the three classes in sorted order with their counts', async () => {
    const events: number[] = [];
    const ds = await imageFolder(train, { onProgress: (e) => e.phase === 'scan' && events.push(e.current) });
    expect(events).toHaveLength(251);
    expect(Math.max(...events)).toBe(251);
    expect(ds.classes).toEqual(['COVID19', 'NORMAL', 'PNEUMONIA']);
    expect(ds.size).toBe(251);
    const report = ds.report();
    expect(report.counts).toEqual({ COVID19: 111, NORMAL: 70, PNEUMONIA: 70 });
    expect(report.skipped).toEqual([]);
    const extensions = new Set(ds.files().map((f) => f.slice(f.lastIndexOf('.')).toLowerCase()));
    expect(extensions).toEqual(new Set(['.jpeg', '.jpg', '.png']));
    // Same file name in several class folders: files are full paths, so they stay distinct.
    expect(new Set(ds.files()).size).toBe(251);
    expect(ds.files()[0]).toBe(join(train, 'COVID19', '01.jpeg'));
  });

  it("a class subset ['COVID19', 'NORMAL'] gets indices 0 and 1", async () => {
    const ds = await imageFolder(train, { classes: ['NORMAL', 'COVID19'] });
    expect(ds.classes).toEqual(['COVID19', 'NORMAL']);
    expect(ds.size).toBe(181);
    const labels = ds.labels();
    expect(labels.filter((l) => l === 0)).toHaveLength(111);
    expect(labels.filter((l) => l === 1)).toHaveLength(70);
    expect(ds.files().some((f) => f.includes('PNEUMONIA'))).toBe(false);
  });

  it('decodes, resizes and batches a seeded, shuffled pass without leaks', async () => {
    const ds = await imageFolder(join(CXR3, 'test'), { classes: ['COVID19', 'NORMAL'], imageSize: 64, seed: 1 });
    expect(ds.size).toBe(46);
    const before = tf.memory().numTensors;
    let seen = 0;
    const labels: number[] = [];
    for await (const { images, labels: batchLabels } of ds.batch(16)) {
      expect(images.shape.slice(1)).toEqual([64, 64, 3]);
      const [min, max] = tf.tidy(() => [tf.min(images).dataSync()[0] as number, tf.max(images).dataSync()[0] as number]);
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThanOrEqual(1);
      seen += images.shape[0];
      labels.push(...batchLabels.dataSync());
      tf.dispose([images, batchLabels]);
    }
    expect(seen).toBe(46);
    expect(labels.filter((l) => l === 0)).toHaveLength(26);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('channels: 1 gives one gray channel; a seed fixes the order', async () => {
    const a = await imageFolder(join(CXR3, 'test'), { channels: 1, imageSize: [32, 48], seed: 3 });
    const b = await imageFolder(join(CXR3, 'test'), { channels: 1, imageSize: [32, 48], seed: 3 });
    expect(a.files()).toEqual(b.files());
    const first = await pass(a.take(2));
    expect(first.map((s) => s.shape)).toEqual([
      [32, 48, 1],
      [32, 48, 1],
    ]);
  });
});

describe('imageFolder: folder structure errors (same for both onError modes)', () => {
  for (const onError of ['throw', 'skip'] as const) {
    const load = (dir: string, options: ImageFolderOptions = {}): Promise<SampleDataset> => imageFolder(dir, { ...options, onError });

    it(`${onError}: missing directory → E_NOT_FOUND with the path`, async () => {
      const dir = join(await scratch(), 'nope');
      await expectCode(load(dir), 'E_NOT_FOUND', dir);
    });

    it(`${onError}: a file instead of a directory → E_NOT_A_DIRECTORY`, async () => {
      const file = await writeImage(join(await scratch(), 'x.png'));
      await expectCode(load(file), 'E_NOT_A_DIRECTORY', file);
    });

    it(`${onError}: no class folders → E_NO_CLASSES`, async () => {
      const dir = await scratch();
      await writeImage(join(dir, 'loose.png'));
      await expectCode(load(dir), 'E_NO_CLASSES', dir);
    });

    it(`${onError}: a dataset root with train/ and test/ instead of class folders → E_NO_CLASSES with a hint`, async () => {
      const dir = await scratch();
      await writeImage(join(dir, 'train', 'NORMAL', '1.png'));
      await writeImage(join(dir, 'test', 'NORMAL', '1.png'));
      const error = await load(dir).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_NO_CLASSES', path: dir });
      expect((error as Error).message).toContain(join(dir, 'test'));
      // Named explicitly, such folders are taken as classes.
      expect((await load(dir, { classes: ['test', 'train'] })).size).toBe(2);
    });

    it(`${onError}: a single class → E_SINGLE_CLASS`, async () => {
      const dir = await scratch();
      await writeImage(join(dir, 'COVID19', '1.png'));
      await expectCode(load(dir), 'E_SINGLE_CLASS', dir);
      const both = await twoClasses();
      await expectCode(load(both, { classes: ['a'] }), 'E_SINGLE_CLASS');
    });

    it(`${onError}: an unknown class name → E_UNKNOWN_CLASS listing what exists`, async () => {
      const dir = await twoClasses();
      const error = await load(dir, { classes: ['a', 'covid'] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_UNKNOWN_CLASS' });
      expect((error as Error).message).toContain("'covid'");
      expect((error as Error).message).toContain('available: a, b');
    });
  }
});

describe('imageFolder: bad files', () => {
  it('ignores hidden files, .DS_Store and other extensions, and reports them', async () => {
    const dir = await twoClasses();
    await Promise.all([
      writeRaw(join(dir, '.DS_Store'), 'x'),
      writeRaw(join(dir, 'a', '.DS_Store'), 'x'),
      writeRaw(join(dir, 'a', 'notes.txt'), 'hello'),
      writeRaw(join(dir, 'labels.csv'), 'file,label'),
      writeImage(join(dir, '.ipynb_checkpoints', 'x.png')),
      writeImage(join(dir, 'b', 'nested', 'deeper.PNG')),
    ]);
    const ds = await imageFolder(dir);
    expect(ds.classes).toEqual(['a', 'b']);
    expect(ds.size).toBe(5);
    expect(ds.files()).toContain(join(dir, 'b', 'nested', 'deeper.PNG'));
    const skipped = Object.fromEntries(ds.report().skipped.map((s) => [s.file.slice(dir.length + 1), s]));
    expect(Object.keys(skipped).sort()).toEqual(['.DS_Store', '.ipynb_checkpoints', 'a/.DS_Store', 'a/notes.txt', 'labels.csv']);
    expect(Object.values(skipped).every((s) => s.code === 'E_UNSUPPORTED_FILE')).toBe(true);
    expect(skipped['a/notes.txt']?.reason).toContain('not an image extension');
    expect(skipped['.DS_Store']?.reason).toContain('hidden');
  });

  const brokenFiles: Array<[string, (path: string) => Promise<unknown>]> = [
    ['zero-byte .png', (p) => writeRaw(p, '')],
    ['text file named .jpg', (p) => writeRaw(p, 'this is not a JPEG')],
    ['PNG with a garbage body', (p) => writeRaw(p, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]))],
  ];
  for (const [what, write] of brokenFiles) {
    const name = what.includes('.jpg') ? 'bad.jpg' : 'bad.png';

    it(`throw: ${what} → E_IMAGE_DECODE with its path, when the dataset is made`, async () => {
      const dir = await twoClasses();
      const path = join(dir, 'a', name);
      await write(path);
      await expectCode(imageFolder(dir), 'E_IMAGE_DECODE', path);
    });

    it(`skip: ${what} is left out and reported`, async () => {
      const dir = await twoClasses();
      const path = join(dir, 'a', name);
      await write(path);
      const ds = await imageFolder(dir, { onError: 'skip' });
      expect(ds.size).toBe(4);
      expect(ds.report().counts).toEqual({ a: 2, b: 2 });
      expect(ds.report().skipped).toEqual([expect.objectContaining({ file: path, code: 'E_IMAGE_DECODE' })]);
      expect((await pass(ds)).length).toBe(4);
    });
  }

  it('throw: several bad files → the first, with a count of the others', async () => {
    const dir = await twoClasses();
    await writeRaw(join(dir, 'a', '0.png'), '');
    await writeRaw(join(dir, 'b', '0.png'), '');
    const error = await imageFolder(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_IMAGE_DECODE', path: join(dir, 'a', '0.png') });
    expect((error as Error).message).toContain('1 more unusable file');
  });

  it('throw: a truncated JPEG passes the header check and fails in the pass with E_IMAGE_DECODE', async () => {
    const dir = await twoClasses();
    const path = await writeTruncatedJpeg(join(dir, 'b', 'cut.jpg'));
    const ds = await imageFolder(dir);
    expect(ds.size).toBe(5);
    const before = tf.memory().numTensors;
    await expectCode(pass(ds), 'E_IMAGE_DECODE', path);
    expect(tf.memory().numTensors).toBe(before);
    // verify: 'decode' catches it when the dataset is made.
    await expectCode(imageFolder(dir, { verify: 'decode' }), 'E_IMAGE_DECODE', path);
  });

  it('skip: a truncated JPEG is dropped during the pass and reported; size follows', async () => {
    const dir = await twoClasses();
    const path = await writeTruncatedJpeg(join(dir, 'b', 'cut.jpg'));
    const ds = await imageFolder(dir, { onError: 'skip', imageSize: 8 });
    expect(ds.size).toBe(5);
    const before = tf.memory().numTensors;
    let batches = 0;
    for await (const { images, labels } of ds.batch(2)) {
      batches++;
      tf.dispose([images, labels]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(batches).toBe(2);
    expect(ds.size).toBe(4);
    expect(ds.report().skipped).toEqual([expect.objectContaining({ file: path, code: 'E_IMAGE_DECODE' })]);
    const upfront = await imageFolder(dir, { onError: 'skip', verify: 'decode' });
    expect(upfront.size).toBe(4);
  });

  it('throw: an empty class folder → E_EMPTY_CLASS with that path', async () => {
    const dir = await twoClasses();
    await writeRaw(join(dir, 'c', 'readme.txt'), 'no images here');
    await expectCode(imageFolder(dir), 'E_EMPTY_CLASS', join(dir, 'c'));
  });

  it('skip: an empty class folder keeps its index with 0 samples and is reported', async () => {
    const dir = await twoClasses();
    await writeRaw(join(dir, 'c', 'bad.png'), '');
    const ds = await imageFolder(dir, { onError: 'skip' });
    expect(ds.classes).toEqual(['a', 'b', 'c']);
    expect(ds.report().counts).toEqual({ a: 2, b: 2, c: 0 });
    expect(ds.report().skipped.map((s) => s.code)).toEqual(['E_IMAGE_DECODE', 'E_EMPTY_CLASS']);
  });

  it('skip: no usable image at all → E_EMPTY_CLASS', async () => {
    const dir = await scratch();
    await writeRaw(join(dir, 'a', 'x.png'), '');
    await writeRaw(join(dir, 'b', 'y.png'), '');
    await expectCode(imageFolder(dir, { onError: 'skip' }), 'E_EMPTY_CLASS', dir);
  });

  it('maxPixels → E_IMAGE_TOO_LARGE (throw) or a skip with that code', async () => {
    const dir = await twoClasses();
    const big = await writeImage(join(dir, 'a', 'big.png'), { width: 40, height: 30 });
    await expectCode(imageFolder(dir, { maxPixels: 1000 }), 'E_IMAGE_TOO_LARGE', big);
    const ds = await imageFolder(dir, { maxPixels: 1000, onError: 'skip' });
    expect(ds.report().skipped).toEqual([expect.objectContaining({ file: big, code: 'E_IMAGE_TOO_LARGE' })]);
  });

  it('rejects bad options with E_BAD_ARGUMENT', async () => {
    const dir = await twoClasses();
    for (const bad of [{ channels: 2 }, { imageSize: 0 }, { imageSize: [224] }, { onError: 'ignore' }, { classes: ['a', 'a'] }, { extensions: [] }]) {
      await expectCode(imageFolder(dir, bad as ImageFolderOptions), 'E_BAD_ARGUMENT');
    }
  });
});
