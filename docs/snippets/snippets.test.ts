// Runs every docs snippet at tiny sizes, so no code shown on the site can rot.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@cxr/core';
import { writePhantomFolder } from '@cxr/data/node';

const tmp = () => mkdtempSync(join(tmpdir(), 'cxr-snippet-'));
const isPng = (file: string) => readFileSync(file).subarray(1, 4).toString() === 'PNG';

// wasm (the backend selectBackend() picks here) trains CNNs ~20× faster than cpu.
beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
});

describe('docs snippets', () => {
  it('quick-start: trains, predicts and scores on the phantom set', async () => {
    const { history, labels, predictions } = await import('./quick-start.js');
    expect(history.history.loss).toHaveLength(4);
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    expect(labels).toEqual([...Array(8).fill(0), ...Array(8).fill(1)]);
    expect(predictions).toHaveLength(16);
  });

  it('image-folders: trains from train/ and test/ folders and saves the model', async () => {
    const { trainOnFolders } = await import('./image-folders.js');
    const root = tmp();
    await writePhantomFolder(root, { train: 4, test: 2, imageSize: 40, channels: 3, seed: 0 });
    const report = await trainOnFolders(root, join(root, 'model'), 32, 1);
    expect(report.text).toContain('COVID19');
    expect(report.accuracy).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(root, 'model', 'model.json'))).toBe(true);
  });

  it('transfer-learning: MobileNetV2 + COVIDLite head with the first 100 layers frozen', async () => {
    const { covidLite, trainableCount } = await import('./transfer-learning.js');
    const model = covidLite(32);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    expect(trainableCount(model)).toBeGreaterThan(0);
    expect(trainableCount(model)).toBeLessThan(model.countParams());
    expect(model.layers.slice(0, 100).every((l) => !l.trainable)).toBe(true);
    model.dispose();
  });

  it('callbacks: LungClassifier with label smoothing, early stopping and LR on plateau', async () => {
    const { trainLungClassifier } = await import('./callbacks.js');
    const history = await trainLungClassifier(16, 2);
    expect(history.history.loss.length).toBeGreaterThanOrEqual(1);
    expect(history.history['val_loss']).toBeDefined();
  });

  it('metrics: the numbers the comments promise (checked against sklearn)', async () => {
    const { matrix, auc, roc, report } = await import('./metrics.js');
    expect(matrix).toEqual([[3, 1], [1, 3]]);
    expect(auc).toBeCloseTo(0.6875, 12);
    expect(roc.fpr[0]).toBe(0);
    expect(report.accuracy).toBe(0.75);
  });

  it('plots: writes a PNG confusion matrix and an SVG ROC curve', async () => {
    const { writeEvaluationPlots } = await import('./plots.js');
    const [png, svg] = await writeEvaluationPlots(tmp(), [0, 0, 1, 1], [0.2, 0.6, 0.7, 0.9]);
    expect(isPng(png!)).toBe(true);
    expect(readFileSync(svg!, 'utf8')).toContain('<svg');
  });

  it('grad-cam: writes one overlay per image and leaks nothing', async () => {
    const { explainFour } = await import('./grad-cam.js');
    const before = tf.memory().numTensors;
    const files = await explainFour(tmp());
    expect(files).toHaveLength(4);
    expect(files.every(isPng)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("readme-usage: the README's code block is this type-checked snippet, verbatim", () => {
    const region = (text: string, start: RegExp, end: RegExp) => {
      const from = text.search(start);
      const rest = text.slice(from).replace(start, '');
      return rest.slice(0, rest.search(end)).trim();
    };
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const snippet = readFileSync(new URL('./readme-usage.ts', import.meta.url), 'utf8');
    const inReadme = region(readme.slice(readme.indexOf('## Use it')), /```ts\n/, /\n```/);
    expect(inReadme.length).toBeGreaterThan(100);
    expect(region(snippet, /\/\/ #region readme\n/, /\n\/\/ #endregion readme/)).toBe(inReadme);
  });

  it('errors: a missing folder is a coded CxrError; a broken file is skipped with a reason', async () => {
    const { loadOrExplain } = await import('./errors.js');
    await expect(loadOrExplain(join(tmp(), 'missing'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    const root = tmp();
    const folder = await writePhantomFolder(root, { train: 2, test: 0, imageSize: 32 });
    writeFileSync(join(folder.train, 'NORMAL', 'broken.png'), 'not a png');
    const data = await loadOrExplain(folder.train);
    expect(data.report().skipped.map((s) => s.file)).toEqual([join(folder.train, 'NORMAL', 'broken.png')]);
  });
});
