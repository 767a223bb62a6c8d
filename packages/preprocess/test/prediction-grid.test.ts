import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import sharp from 'sharp';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomAugment } from '@cxr/preprocess';
import { writeAugmentationPreview, writePredictionGrid } from '@cxr/preprocess/node';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Count strongly green and strongly red pixels in a rectangle of a PNG. */
async function colours(png: Buffer, left: number, top: number, width: number, height: number): Promise<{ green: number; red: number; dark: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let green = 0;
  let red = 0;
  let dark = 0;
  for (let y = top; y < top + height; y++) {
    for (let x = left; x < left + width; x++) {
      const o = (y * info.width + x) * info.channels;
      const [r, g, b] = [data[o]!, data[o + 1]!, data[o + 2]!];
      if (g > r + 40 && g > b + 40) green++;
      if (r > g + 60 && r > b + 60) red++;
      if (r < 100 && g < 100 && b < 100) dark++;
    }
  }
  return { green, red, dark };
}

describe('writePredictionGrid', () => {
  it('titles "true / predicted (p)" in green when right and red when wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxr-pred-'));
    const images = tf.randomUniform([3, 32, 32, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const probabilities = tf.tensor2d([[0.93, 0.05, 0.02], [0.1, 0.2, 0.7], [0.2, 0.5, 0.3]]);
    const before = tf.memory().numTensors;
    const path = join(dir, 'pred.png');
    const png = await writePredictionGrid(path, images, {
      trueLabels: [0, 1, 'Viral'],
      probabilities, // predLabels by argmax: 0, 2, 1
      classes: ['Normal', 'COVID-19', 'Viral'],
      columns: 3,
      cellSize: 160,
    });
    expect(tf.memory().numTensors).toBe(before);
    const meta = await sharp(path).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 3 * 166 + 6, 160 + 22 + 12]);
    const cell = (i: number) => colours(png, 6 + i * 166, 6, 160, 22);
    const [right, wrong1, wrong2] = await Promise.all([cell(0), cell(1), cell(2)]);
    expect(right.green).toBeGreaterThan(20);
    expect(right.red).toBe(0);
    expect(wrong1.red).toBeGreaterThan(20);
    expect(wrong1.green).toBe(0);
    expect(wrong2.red).toBeGreaterThan(20);
    tf.dispose([images, probabilities]);
  });

  it('takes predLabels with per-image probabilities, and rejects bad labels and counts', async () => {
    const images = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
    const png = await writePredictionGrid(null, images, { trueLabels: ['a', 'b'], predLabels: ['a', 'a'], probabilities: [0.9, 0.6], cellSize: 128 });
    expect((await sharp(png).metadata()).width).toBe(2 * 134 + 6);
    await expect(writePredictionGrid(null, images, { trueLabels: [0] , predLabels: [0, 1] })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    await expect(writePredictionGrid(null, images, { trueLabels: [0, 5], predLabels: [0, 1], classes: ['x', 'y'] })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    await expect(writePredictionGrid(null, images, { trueLabels: [0, 1] })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    await expect(writePredictionGrid(null, tf.zeros([8, 8, 3]) as unknown as tf.Tensor4D, { trueLabels: [0] })).rejects.toMatchObject({ code: 'E_SHAPE_MISMATCH' });
    images.dispose();
  });
});

describe('writeAugmentationPreview', () => {
  it('shows the original and seeded augmentations in a grid; same seed, same PNG; no leaks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxr-aug-'));
    // An asymmetric test image so that flips and rotations are visible.
    const image = tf.tidy(() => {
      const ramp = tf.tile(tf.reshape(tf.linspace(0, 1, 40), [1, 40, 1]), [48, 1, 1]);
      return tf.slice(tf.concat([tf.mul(ramp, 0.3), tf.ones([48, 8, 1])], 1), [0, 0, 0], [48, 40, 1]);
    }) as tf.Tensor3D;
    const augment = randomAugment({ rotationRange: 15, horizontalFlip: true, fillMode: 'nearest' });
    const before = tf.memory().numTensors;
    const path = join(dir, 'aug.png');
    const a = await writeAugmentationPreview(path, image, augment, { count: 5, seed: 7, columns: 3, cellSize: 64 });
    const b = await writeAugmentationPreview(null, image, augment, { count: 5, seed: 7, columns: 3, cellSize: 64 });
    const c = await writeAugmentationPreview(null, image, augment, { count: 5, seed: 8, columns: 3, cellSize: 64 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    const meta = await sharp(path).metadata();
    // 6 cells (original + 5) in 3 columns: 2 rows of (64·48/40 = 77) + 22 + 6
    expect([meta.width, meta.height]).toEqual([3 * 70 + 6, 2 * (77 + 22 + 6) + 6]);
    const title = await colours(a, 6, 6, 64, 22);
    expect(title.dark).toBeGreaterThan(5);
    await expect(writeAugmentationPreview(null, image, augment, { count: 0 })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    await expect(writeAugmentationPreview(null, image, (x) => tf.slice(x, [0, 0, 0, 0], [1, -1, -1, -1]))).rejects.toMatchObject({ code: 'E_SHAPE_MISMATCH' });
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});
