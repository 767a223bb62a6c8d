import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@cxr/core';
import { runSeed003 } from '../src/run.js';
import { ARTICLE_DEFAULTS, parseOptions } from '../src/options.js';

const CXR3 = process.env['CXR3_DIR'] ?? join(__dirname, '../../../../shared/data/cxr3');

describe('seed-003 example', () => {
  it('runs the whole pipeline on the phantom set, then reuses its .npy cache', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-003-'));
    await selectBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const options = { out, imageSize: 32, alpha: 0.35, epochs: 1, batchSize: 8, phantomPerClass: 5, backend: 'wasm', seed: 2 };
    const result = await runSeed003(options);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.classes).toEqual(['COVID19', 'NORMAL', 'PNEUMONIA']);
    // stratified 80:20 of 15 images: ceil(0.2 · 15) = 3 test images, one per class
    expect(result.sizes).toEqual({ train: 12, test: 3 });
    expect(result.weights).toBe('from scratch');
    expect(result.cache?.hit).toBe(false);
    for (const key of ['samples', 'augmentation', 'accuracy', 'loss', 'confusion', 'roc', 'predictions', 'gradcam']) {
      expect((await sharp(result.files[key as keyof typeof result.files]).metadata()).format).toBe('png');
    }
    expect(await readFile(result.files.eda, 'utf8')).toContain('COVID19');
    expect(existsSync(join(result.files.checkpoint, 'model.json'))).toBe(true);
    const again = await runSeed003(options);
    expect(again.cache?.hit).toBe(true);
  });

  it.skipIf(!existsSync(CXR3))('reads real folders: EDA from headers, 80:20 split of cxr3/train', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-003-real-'));
    const result = await runSeed003({ data: CXR3, out, imageSize: 32, alpha: 0.35, epochs: 1, backend: 'wasm', cacheDir: '' });
    expect(result.stats.perClass.map((c) => c.count)).toEqual([111, 70, 70]);
    expect(result.sizes.train + result.sizes.test).toBe(251);
    expect(result.cache).toBeNull();
  });

  it('explains a bad --data folder and bad weights', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-003-bad-'));
    await expect(runSeed003({ data: join(out, 'missing'), out })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(
      runSeed003({ out, imageSize: 32, alpha: 0.35, epochs: 1, phantomPerClass: 5, weights: join(out, 'nope'), cacheDir: '' }),
    ).rejects.toMatchObject({ code: 'E_MODEL_LOAD' });
  });
});

describe('command line', () => {
  it("defaults are the article's", () => {
    expect(parseOptions([])).toEqual(ARTICLE_DEFAULTS);
    expect(ARTICLE_DEFAULTS).toMatchObject({ imageSize: 224, batchSize: 16, epochs: 50, testSize: 0.2, whiteBalance: 0.05, alpha: 1 });
    expect(parseOptions(['--quick', '--clahe', '--cache', ''])).toMatchObject({ clahe: true, cacheDir: '' });
    expect(() => parseOptions(['--alpha', 'wide'])).toThrow(/--alpha/);
  });
});
