import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@cxr/core';
import { loadNativeAddon } from '@cxr/native';
import { imageFolder } from '@cxr/data/node';
import { cxrMatchers, expectNoLeaks, phantomFixture, pretrainedPhantomModel } from '@cxr/testing';
import { isMissingFolder, phantomClasses, tinyPipeline } from '../src/pipeline.js';

beforeAll(async () => {
  await selectBackend();
  expect.extend(cxrMatchers);
});

describe('cxr from the packed tarballs (ESM, node16)', () => {
  it('runs the whole pipeline on phantom folders', async () => {
    const result = await tinyPipeline(mkdtempSync(join(tmpdir(), 'cxr-esm-')));
    expect(['wasm', 'cpu']).toContain(result.backend);
    expect(result.parameters).toBe(covidCnnParamsAt32);
    expect(result.matrix.flat().reduce((a, b) => a + b, 0)).toBe(8);
    expect(result.reloadedOutputs).toBe(1);
    expect(result.heatmapShape[0]).toBe(1);
  });

  it('the pretrained fixture classifies unseen phantom images', async () => {
    const model = pretrainedPhantomModel();
    for await (const { images, labels } of phantomFixture({ split: 'test', perClass: 16 }).batch(32)) {
      const probs = tf.tidy(() => model.predict(images) as tf.Tensor2D);
      expect(probs).toHaveShape([32, 2]);
      expect(tf.sum(probs, 1)).toBeCloseTensor(tf.ones([32]), 1e-5);
      const argMax = tf.argMax(probs, 1);
      const predicted = Array.from(await argMax.data());
      const truth = Array.from(await labels.data());
      const accuracy = predicted.filter((p, i) => p === truth[i]).length / truth.length;
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
      tf.dispose([images, labels, probs, argMax]);
    }
    model.dispose();
  });

  it('the leak gate and coded errors work across packages', async () => {
    await expectNoLeaks(() => tf.tidy(() => void tf.add(tf.ones([2]), 1)), { runs: 2 });
    await expect(expectNoLeaks(() => void tf.ones([1]))).rejects.toThrow(/Tensor leak/);
    const error = await imageFolder('/nonexistent/cxr', { imageSize: 32 }).catch((e: unknown) => e);
    expect(isMissingFolder(error)).toBe(true);
    expect(phantomClasses()).toEqual(['COVID19', 'NORMAL']);
  });
});

describe('@cxr/native from its tarball (ESM)', () => {
  it('selectBackend puts the prebuilt kernels in front of wasm on linux-x64, and says why not elsewhere', async () => {
    const choice = await selectBackend({ backend: 'wasm' });
    const load = loadNativeAddon();
    if (`${process.platform}-${process.arch}` === 'linux-x64') {
      expect(choice.native?.active, choice.native?.reason).toBe(true);
      expect(choice.native?.kernels).toContain('Conv2D');
      // The binary inside the installed package, not a workspace copy.
      expect(load.addon ? load.path : load.reason).toMatch(/node_modules\/@cxr\/native\/prebuilds\/linux-x64\/cxr_native\.node$/);
    } else {
      expect(choice.native?.active).toBe(false);
      expect(choice.native?.reason).toMatch(/no prebuilt binary/);
    }
  });
});

/** covidCnn's parameter count does not depend on the input size (adaptive pooling): 126,145. */
const covidCnnParamsAt32 = 126_145;
