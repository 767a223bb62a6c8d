import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { imageFolder, writePhantomFolder } from '../src/node.js';
import { phantomDataset } from '../src/index.js';
import { tempDir, useCpu } from './fixtures.js';

let dir = '';
let cleanup = async (): Promise<void> => {};
beforeAll(async () => {
  await useCpu();
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe('writePhantomFolder', () => {
  it('writes train/ and test/ class folders that imageFolder reads back as the phantom dataset', async () => {
    const folder = await writePhantomFolder(join(dir, 'phantom'), { classes: ['NORMAL', 'PNEUMONIA'], train: 3, test: 2, imageSize: 32, seed: 4 });
    expect(folder.classes).toEqual(['NORMAL', 'PNEUMONIA']);
    expect(folder.files).toBe(10);
    expect(await readdir(folder.root)).toEqual(['test', 'train']);
    expect(await readdir(join(folder.train, 'PNEUMONIA'))).toEqual(['0000.png', '0001.png', '0002.png']);

    const fromDisk = await imageFolder(folder.test, { channels: 1 });
    expect(fromDisk.classes).toEqual(['NORMAL', 'PNEUMONIA']);
    expect(fromDisk.labels()).toEqual([0, 0, 1, 1]);
    const inMemory = phantomDataset({ classes: ['NORMAL', 'PNEUMONIA'], perClass: 2, imageSize: 32, channels: 1, seed: 4, split: 'test' });
    const disk: tf.Tensor3D[] = [];
    for await (const s of fromDisk) disk.push(s.image);
    let k = 0;
    for await (const s of inMemory) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(s.image, disk[k] as tf.Tensor3D))).dataSync()[0] as number);
      expect(diff).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
      s.image.dispose();
      k++;
    }
    tf.dispose(disk);
    expect(k).toBe(4);
  });
});
