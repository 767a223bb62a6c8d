import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@cxr/core';
import { runSeed002 } from '../src/run.js';
import { ARTICLE_DEFAULTS, parseOptions } from '../src/options.js';

describe('seed-002 example', () => {
  it('trains three members and three ensembles and writes the comparison', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-002-'));
    await selectBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const result = await runSeed002({
      out, members: ['mobilenet', 'efficientnetb0', 'mobilenet'], imageSize: 64, epochs: 1, ensembleEpochs: 1,
      batchSize: 8, learningRate: 1e-3, phantomTrain: 4, phantomTest: 2, backend: 'wasm', seed: 1,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.rows.map((r) => r.model)).toEqual(['mobilenet', 'efficientnetb0', 'mobilenet', 'probability ensemble', 'dense ensemble', 'average ensemble']);
    // the article: 3 members × 3 classes → 30 trainable parameters at the probability level
    expect(result.rows[3]!.trainableParameters).toBe(30);
    expect(result.rows[5]!.trainableParameters).toBe(0);
    expect(await readFile(result.files.table, 'utf8')).toContain('| probability ensemble | ensemble |');
    expect((await sharp(result.files.gradcam).metadata()).format).toBe('png');
  });

  it('unknown backbones fail before any work, listing the valid names', async () => {
    await expect(runSeed002({ members: ['alexnet'] })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT', message: expect.stringContaining('densenet201') });
  });
});

describe('command line', () => {
  it("defaults are the article's", () => {
    expect(parseOptions([])).toEqual(ARTICLE_DEFAULTS);
    expect(ARTICLE_DEFAULTS).toMatchObject({ members: ['densenet201', 'efficientnetb7', 'vgg16'], imageSize: 224, batchSize: 16, labelSmoothing: 0.1 });
    expect(parseOptions(['--members', 'VGG16, mobilenet'])!.members).toEqual(['vgg16', 'mobilenet']);
  });
});
