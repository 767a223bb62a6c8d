import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@cxr/core';
import { runSeed001 } from '../src/run.js';
import { loadSeed001Data } from '../src/datasets.js';
import { ARTICLE_DEFAULTS, parseOptions } from '../src/options.js';

const EARLY = process.env['COVID_EARLY_DIR'] ?? join(__dirname, '../../../../shared/data/covid-chestxray-early');

describe('seed-001 example', () => {
  it('runs end to end on the phantom metadata set and writes every artefact', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-001-'));
    await selectBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const result = await runSeed001({ out, imageSize: 32, epochs: 1, freezeEpochs: 1, batchSize: 8, lrFindIterations: 8, phantomPerClass: 8, backend: 'wasm', seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.classes).toEqual(['covid_negative', 'covid_positive']);
    // 16 phantom images, of which the filter drops the AP views (i = 3) and CTs (i = 5): 6 per class
    expect(result.sizes.all).toBe(12);
    expect(result.sizes.train + result.sizes.valid).toBe(12);
    expect(result.caveat).toMatch(/not for clinical use/i);
    for (const png of [result.files.batch, result.files.lrFinder, result.files.loss, result.files.confusion, result.files.topLosses]) {
      expect((await sharp(png).metadata()).format).toBe('png');
    }
    const leakage = JSON.parse(await readFile(result.files.leakage, 'utf8'));
    expect(leakage.patientSplit.sharedGroups).toEqual([]);
    expect(existsSync(join(result.files.folders, 'covid_positive'))).toBe(true);
    expect(await readFile(result.files.topLossesTable, 'utf8')).toContain('loss');
  });

  it.skipIf(!existsSync(EARLY))('reads the real metadata: X-ray PA, COVID-19 vs other, split by patient without leakage', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-001-real-'));
    const data = await loadSeed001Data({ ...ARTICLE_DEFAULTS, data: EARLY, out, imageSize: 32 });
    expect(data.all.size).toBe(98);
    expect(data.all.classes).toEqual(['covid_negative', 'covid_positive']);
    expect(data.leakage.patientSplit.sharedGroups).toHaveLength(0);
    expect(data.leakage.imageSplit.sharedGroups.length).toBeGreaterThan(0);
    expect(data.train.size + data.valid.size).toBe(98);
  });

  it('explains a folder without metadata.csv', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cxr-001-bad-'));
    await expect(runSeed001({ data: out, out })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

describe('command line', () => {
  it('defaults and --lr auto', () => {
    expect(parseOptions([])).toEqual(ARTICLE_DEFAULTS);
    expect(parseOptions(['--lr', 'auto'])!.learningRate).toBe('auto');
    expect(parseOptions(['--quick'])!.imageSize).toBeLessThan(224);
    expect(() => parseOptions(['--lr', 'fast'])).toThrow(/--lr/);
  });
});
