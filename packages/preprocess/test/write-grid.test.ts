import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import sharp from 'sharp';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeImage, writeImageGrid } from '@cxr/preprocess/node';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('writeImageGrid', () => {
  it('writes a PNG grid with a title band above each image', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxr-grid-'));
    const images = tf.randomUniform([5, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const path = join(dir, 'batch.png');
    await writeImageGrid(path, images, { titles: ['COVID19', 'NORMAL', 'COVID19', 'NORMAL', 'A&B <c>'], columns: 3, cellSize: 64 });
    expect(tf.memory().numTensors).toBe(before);
    const meta = await sharp(path).metadata();
    expect(meta.format).toBe('png');
    // 3 columns × (64 + 6) + 6, 2 rows × (64 + 22 + 6) + 6
    expect(meta.width).toBe(3 * 70 + 6);
    expect(meta.height).toBe(2 * 92 + 6);
    // The title band is not blank: text was drawn in it.
    const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
    let dark = 0;
    for (let y = 6; y < 6 + 22; y++) for (let x = 6; x < 70; x++) if (data[(y * info.width + x) * info.channels]! < 128) dark++;
    expect(dark).toBeGreaterThan(10);
  });

  it('rejects a title count that does not match', async () => {
    const images = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
    await expect(writeImageGrid(null, images, { titles: ['one'] })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
  });

  it('writeImage writes a tensor as PNG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxr-img-'));
    const path = join(dir, 'sub', 'x.png');
    await writeImage(path, tf.fill([10, 12, 3], 0.5) as tf.Tensor3D);
    const meta = await sharp(path).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([12, 10, 3]);
    await expect(writeImage(path, tf.zeros([10, 12, 2]) as tf.Tensor3D)).rejects.toMatchObject({ code: 'E_SHAPE_MISMATCH' });
  });
});
