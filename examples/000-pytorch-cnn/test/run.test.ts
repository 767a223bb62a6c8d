import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@cxr/core';
import { runSeed000 } from '../src/run.js';
import { parseOptions, ARTICLE_DEFAULTS } from '../src/options.js';

const CXR3 = process.env['CXR3_DIR'] ?? join(__dirname, '../../../../shared/data/cxr3');

describe('seed-000 example', () => {
  it('runs end to end on the phantom set and writes every artefact', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-000-'));
    await selectBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const result = await runSeed000({ out, imageSize: 32, epochs: 2, batchSize: 8, phantomTrain: 8, phantomTest: 4, backend: 'wasm', seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.parameters).toBe(126_145);
    expect(result.backend).toBe('wasm');
    expect(result.classes).toEqual(['COVID19', 'NORMAL']);
    expect(result.history.history.loss).toHaveLength(2);
    expect(result.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(8);
    const metrics = JSON.parse(await readFile(result.files.metrics, 'utf8'));
    expect(metrics.accuracy).toBe(result.accuracy);
    expect(metrics.imagesPerSecond.train).toBeGreaterThan(0);
    for (const png of [result.files.loss, result.files.confusion, result.files.batch]) {
      expect((await sharp(png).metadata()).format).toBe('png');
    }
    expect(await readFile(result.files.confusionSvg, 'utf8')).toContain('Predicted Labels');
    expect(existsSync(join(result.files.model, 'model.json'))).toBe(true);
  });

  it.skipIf(!existsSync(CXR3))('uses COVID19 vs NORMAL out of the three cxr3 classes', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-000-real-'));
    const result = await runSeed000({ data: CXR3, out, imageSize: 24, epochs: 1, batchSize: 32, backend: 'wasm' });
    expect(result.classes).toEqual(['COVID19', 'NORMAL']);
    // cxr3/test holds 26 COVID19 + 20 NORMAL images
    expect(result.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(46);
  });

  it('explains a bad --data folder', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-000-bad-'));
    await expect(runSeed000({ data: join(out, 'missing'), out })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(runSeed000({ data: out, out })).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringContaining('train/') });
  });
});

describe('command line', () => {
  it('defaults are the article\'s; --quick shrinks; explicit flags win', () => {
    expect(parseOptions([])).toEqual(ARTICLE_DEFAULTS);
    const quick = parseOptions(['--', '--quick', '--epochs', '2'])!;
    expect(quick.epochs).toBe(2);
    expect(quick.imageSize).toBeLessThan(224);
    expect(parseOptions(['--data', 'x', '--classes', 'A,B'])).toMatchObject({ data: 'x', classes: ['A', 'B'] });
  });

  it('rejects bad numbers and unknown flags', () => {
    expect(() => parseOptions(['--epochs', 'many'])).toThrow(/--epochs/);
    expect(() => parseOptions(['--image-size', '-3'])).toThrow();
    expect(() => parseOptions(['--bogus'])).toThrow();
  });
});
