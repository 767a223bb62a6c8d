import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { browserImageFolder, fitImageSize, toFolderFiles, type FolderFile } from '@cxr/data/browser';
import type { RawImage } from '@cxr/data';
import { isCxrError } from '@cxr/core';

// The folder logic needs no browser: a decoder that reads a pixel value from the file's bytes stands in for createImageBitmap.
const png = (value: number): Blob => new Blob([new Uint8Array([value])], { type: 'image/png' });
const decode = async (file: Blob): Promise<RawImage> => {
  const v = new Uint8Array(await file.arrayBuffer())[0] as number;
  return { data: new Uint8Array(4 * 6 * 3).fill(v), width: 6, height: 4, channels: 3 };
};
const tree = (paths: Record<string, number>): FolderFile[] => Object.entries(paths).map(([path, v]) => ({ path, file: png(v) }));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isCxrError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('browserImageFolder', () => {
  it('takes classes from sorted folder names under the picked root, files recursively in folder-then-name order', async () => {
    const files = tree({
      'train/NORMAL/b.png': 3,
      'train/COVID19/z.png': 1,
      'train/COVID19/a.jpg': 2,
      'train/COVID19/sub/a.png': 5,
      'train/NORMAL/.DS_Store': 0,
      'train/notes.txt': 0,
      'train/NORMAL/readme.md': 0,
    });
    const ds = await browserImageFolder(files, { decode });
    expect(ds.classes).toEqual(['COVID19', 'NORMAL']);
    expect(ds.files()).toEqual(['train/COVID19/a.jpg', 'train/COVID19/z.png', 'train/COVID19/sub/a.png', 'train/NORMAL/b.png']);
    expect(ds.labels()).toEqual([0, 0, 0, 1]);
    const skipped = ds.report().skipped.map((s) => s.file).sort();
    expect(skipped).toEqual(['train/NORMAL/.DS_Store', 'train/NORMAL/readme.md', 'train/notes.txt']);
    const values: number[] = [];
    for await (const sample of ds) {
      values.push(Math.round(sample.image.dataSync()[0]! * 255));
      sample.image.dispose();
    }
    expect(values).toEqual([2, 1, 5, 3]);
  });

  it('treats side-by-side dropped class folders as the root, and File objects use webkitRelativePath', async () => {
    const a = new File([new Uint8Array([7])], 'a.png', { type: 'image/png' });
    Object.defineProperty(a, 'webkitRelativePath', { value: 'NORMAL/a.png' });
    const b = new File([new Uint8Array([9])], 'b.png', { type: 'image/png' });
    Object.defineProperty(b, 'webkitRelativePath', { value: 'PNEUMONIA/b.png' });
    expect(toFolderFiles([a, b]).map((f) => f.path)).toEqual(['NORMAL/a.png', 'PNEUMONIA/b.png']);
    const ds = await browserImageFolder([a, b], { decode });
    expect(ds.classes).toEqual(['NORMAL', 'PNEUMONIA']);
  });

  it('refuses split folders, single classes and unknown classes with the Node codes; a subset keeps sorted indices', async () => {
    const cxr = tree({ 'cxr3/train/A/x.png': 1, 'cxr3/test/A/y.png': 1 });
    expect(await codeOf(browserImageFolder(cxr, { decode }))).toBe('E_NO_CLASSES');
    expect(await codeOf(browserImageFolder(tree({ 'd/NORMAL/x.png': 1, 'd/NORMAL/y.png': 1 }), { decode }))).toBe('E_SINGLE_CLASS');
    const three = tree({ 'd/C/x.png': 1, 'd/B/x.png': 2, 'd/A/x.png': 3 });
    expect(await codeOf(browserImageFolder(three, { decode, classes: ['A', 'Q'] }))).toBe('E_UNKNOWN_CLASS');
    const subset = await browserImageFolder(three, { decode, classes: ['C', 'A'] });
    expect(subset.classes).toEqual(['A', 'C']);
    expect(subset.files()).toEqual(['d/A/x.png', 'd/C/x.png']);
  });

  it('an unreadable class throws E_EMPTY_CLASS, or with onError skip is reported; a failing decode is skipped and reported', async () => {
    const files = tree({ 'd/A/x.png': 1, 'd/B/notes.txt': 0, 'd/C/bad.png': 0, 'd/C/ok.png': 4 });
    expect(await codeOf(browserImageFolder(files, { decode }))).toBe('E_EMPTY_CLASS');
    const failing = async (file: Blob, path: string): Promise<RawImage> => {
      if (path.endsWith('bad.png')) throw new Error('not a PNG');
      return decode(file);
    };
    const ds = await browserImageFolder(files, { decode: failing, onError: 'skip', verify: 'decode' });
    expect(ds.size).toBe(2);
    const codes = Object.fromEntries(ds.report().skipped.map((s) => [s.file, s.code]));
    expect(codes['d/C/bad.png']).toBe('E_IMAGE_DECODE');
    expect(codes['d/B/']).toBe('E_EMPTY_CLASS');
    expect(await codeOf(browserImageFolder(files.filter((f) => !f.path.includes('/B/')), { decode: failing, verify: 'decode' }))).toBe('E_IMAGE_DECODE');
  });

  it('resizes with the Node plan (cover: shorter side then centre crop) and shuffles with a seed', async () => {
    const files = tree({ 'd/A/x.png': 10, 'd/A/y.png': 20, 'd/B/z.png': 30, 'd/B/w.png': 40 });
    const ds = await browserImageFolder(files, { decode, imageSize: 2, seed: 3 });
    const again = await browserImageFolder(files, { decode, imageSize: 2, seed: 3 });
    expect(ds.files()).toEqual(again.files());
    for await (const sample of ds.take(1)) {
      expect(sample.image.shape).toEqual([2, 2, 3]);
      sample.image.dispose();
    }
  });
});

describe('fitImageSize', () => {
  it('cover: shorter side to S (bilinear, half-pixel) then the torchvision centre crop; stretch: exactly [h, w]', () => {
    const image = tf.tensor3d(Array.from({ length: 4 * 8 }, (_, i) => i % 8), [4, 8, 1]);
    const cover = fitImageSize(image, 2);
    // 4x8 → 2x4 (each output column averages two input columns: 0.5, 2.5, 4.5, 6.5), centre 2 columns.
    expect(Array.from(cover.dataSync())).toEqual([2.5, 4.5, 2.5, 4.5]);
    const stretch = fitImageSize(image, [2, 2], 'stretch');
    expect(Array.from(stretch.dataSync())).toEqual([1.5, 5.5, 1.5, 5.5]);
    const same = fitImageSize(image, undefined);
    expect(same).not.toBe(image);
    tf.dispose([image, cover, stretch, same]);
  });
});

describe('decodeBrowserImage with DICOM (no browser APIs needed)', () => {
  it('decodes a .dcm File through decodeDicom, copies gray to 3 channels and downscales above maxSide', async () => {
    const { readFileSync } = await import('node:fs');
    const { decodeBrowserImage } = await import('@cxr/data/browser');
    const { decodeDicom } = await import('@cxr/data');
    const bytes = readFileSync(new URL('./fixtures/dicom/mono2-u12-explicit.dcm', import.meta.url));
    const expected = decodeDicom(bytes);
    const gray = await decodeBrowserImage(new File([bytes], 'x.dcm'), { channels: 1 });
    expect(Array.from(gray.data)).toEqual(Array.from(expected.data));
    // Found by its 'DICM' magic even without a .dcm name.
    const rgb = await decodeBrowserImage(new Blob([bytes]), { channels: 3 });
    expect([rgb.width, rgb.height, rgb.channels]).toEqual([16, 12, 3]);
    expect(Array.from(rgb.data.slice(0, 6))).toEqual([expected.data[0], expected.data[0], expected.data[0], expected.data[1], expected.data[1], expected.data[1]]);
    const small = await decodeBrowserImage(new File([bytes], 'x.dcm'), { channels: 1, maxSide: 8 });
    expect([small.width, small.height]).toEqual([8, 6]);
    const bad = readFileSync(new URL('./fixtures/dicom/bad-jpeg2000.dcm', import.meta.url));
    expect(await codeOf(decodeBrowserImage(new File([bad], 'bad.dcm')))).toBe('E_UNSUPPORTED_DICOM');
  });
});
