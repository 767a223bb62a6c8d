import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@cxr/core';
import { runSeed004 } from '../src/run.js';
import { ARTICLE_DEFAULTS, parseOptions } from '../src/options.js';

const CXR3 = process.env['CXR3_DIR'] ?? join(__dirname, '../../../../shared/data/cxr3');

describe('seed-004 example', () => {
  it('runs end to end on the phantom set and writes every artefact', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-004-'));
    await selectBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const result = await runSeed004({ out, imageSize: 32, epochs: 2, batchSize: 8, phantomTrain: 10, phantomTest: 4, backend: 'wasm', seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.classes).toEqual(['COVID19', 'NORMAL', 'PNEUMONIA']);
    // Keras split: int(0.2 · 10) = 2 validation images per class
    expect(result.sizes).toEqual({ train: 24, validation: 6, test: 12 });
    expect(result.history.history['val_auc']).toHaveLength(2);
    expect(result.history.history['val_categorical_accuracy']).toHaveLength(2);
    expect(result.reloadMaxAbsDiff).toBe(0);
    expect(result.report.text).toContain('PNEUMONIA');
    expect(await readFile(result.files.report, 'utf8')).toBe(result.report.text);
    for (const png of [result.files.loss, result.files.accuracy, result.files.auc, result.files.confusion, result.files.roc]) {
      expect((await sharp(png).metadata()).format).toBe('png');
    }
    expect(existsSync(join(result.files.checkpoint, 'model.json'))).toBe(true);
    expect(existsSync(join(result.files.model, 'weights.bin'))).toBe(true);
    const metrics = JSON.parse(await readFile(result.files.metrics, 'utf8'));
    expect(metrics.test.accuracy).toBe(result.test.accuracy);
  });

  it.skipIf(!existsSync(CXR3))('loads cxr3 as 3 grayscale classes with the Keras validation split', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-004-real-'));
    const result = await runSeed004({ data: CXR3, out, imageSize: 24, epochs: 1, augment: false, backend: 'wasm' });
    // train 111/70/70 → validation 22/14/14; test 26 + 20 + 20
    expect(result.sizes).toEqual({ train: 201, validation: 50, test: 66 });
    expect(result.report.perClass.map((c) => c.support)).toEqual([26, 20, 20]);
  });

  it('explains a bad --data folder', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-004-bad-'));
    await expect(runSeed004({ data: join(out, 'missing'), out })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(runSeed004({ data: out, out })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

describe('command line', () => {
  it("defaults are the article's; --quick shrinks; explicit flags win", () => {
    expect(parseOptions([])).toEqual(ARTICLE_DEFAULTS);
    expect(ARTICLE_DEFAULTS).toMatchObject({ imageSize: 512, batchSize: 16, learningRate: 0.005, epochs: 40, validationSplit: 0.2 });
    const quick = parseOptions(['--quick', '--no-augment', '--early-stopping', '3'])!;
    expect(quick.imageSize).toBeLessThan(512);
    expect(quick.augment).toBe(false);
    expect(quick.earlyStoppingPatience).toBe(3);
  });

  it('rejects bad values', () => {
    expect(() => parseOptions(['--lr', 'fast'])).toThrow(/--lr/);
    expect(() => parseOptions(['--what'])).toThrow();
  });
});
