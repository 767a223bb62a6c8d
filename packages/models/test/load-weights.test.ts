import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  covidLiteHead,
  createBackbone,
  loadWeights as loadWeightsFrom,
  lungClassifier,
  serializeModel,
  transferModel,
  WeightsMismatchError,
} from '@cxr/models';
import { loadWeights, saveModel } from '@cxr/models/node';
import { maxAbsDiff, useCpu } from './helpers.js';

let root: string;
beforeAll(async () => {
  await useCpu();
  root = await mkdtemp(join(tmpdir(), 'cxr-weights-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function mismatch(promise: Promise<unknown>): Promise<WeightsMismatchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WeightsMismatchError) return error;
    throw error;
  }
  throw new Error('loadWeights did not fail');
}

const predict = (m: tfl.LayersModel, x: tf.Tensor) => (m.predict(x) as tf.Tensor).dataSync();

describe('loadWeights', () => {
  it('round-trips: save a backbone, load into a freshly seeded one (other input size) → identical predictions', async () => {
    const source = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 11 });
    // Move BN statistics away from their defaults so non-trainable weights are checked too.
    const bn = source.getLayer('block_3_project_BN');
    bn.setWeights(bn.getWeights().map((w, i) => (i === 3 ? tf.fill(w.shape, 2.5) : tf.fill(w.shape, 0.3))));
    await saveModel(source, join(root, 'a'));
    const target = createBackbone('mobilenetv2', { inputShape: [64, 64, 3], seed: 12 });
    const small = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 13 });
    const x = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 3);
    expect(maxAbsDiff(predict(small, x), predict(source, x))).toBeGreaterThan(0);
    const report = await loadWeights(small, join(root, 'a'));
    expect(report.loaded).toHaveLength(source.weights.length);
    expect(report.loaded).toContain('Conv1/kernel');
    expect(report.loaded).toContain('block_3_project_BN/moving_variance');
    expect([report.missing, report.unexpected, report.mismatched]).toEqual([[], [], []]);
    expect(maxAbsDiff(predict(small, x), predict(source, x))).toBe(0);
    // Weights do not depend on the input size; also a browser-style IOHandler works.
    const { modelJson, weights } = await serializeModel(source);
    const handler = tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]?.weights ?? [], weightData: weights });
    await loadWeightsFrom(target, handler);
    const k = (m: tfl.LayersModel) => m.getLayer('block_16_project').getWeights()[0]?.dataSync() as Float32Array;
    expect(maxAbsDiff(k(target), k(source))).toBe(0);
    tf.dispose(x);
    [source, target, small].forEach((m) => m.dispose());
  });

  it('another architecture: E_MODEL_LOAD listing missing and unexpected weights; the model is left untouched', async () => {
    const other = lungClassifier({ inputShape: [32, 32, 1], seed: 1 });
    await saveModel(other, join(root, 'lung'));
    const model = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 2 });
    const before = model.getLayer('Conv1').getWeights()[0]?.dataSync().slice();
    const error = await mismatch(loadWeights(model, join(root, 'lung')));
    expect(error.code).toBe('E_MODEL_LOAD');
    expect(error.report.unexpected).toEqual(['1stConvLayer/kernel', '1stConvLayer/bias', '2ndConvLayer/kernel', '2ndConvLayer/bias', 'FinalClassifier/kernel', 'FinalClassifier/bias']);
    expect(error.report.missing).toHaveLength(model.weights.length);
    expect(error.message).toContain('1stConvLayer/kernel');
    expect(error.message).toContain('Conv1/kernel');
    expect(error.path).toMatch(/model\.json$/);
    // Non-strict does not help when nothing matches.
    await expect(loadWeights(model, join(root, 'lung'), { strict: false })).rejects.toMatchObject({ code: 'E_MODEL_LOAD' });
    expect(maxAbsDiff(model.getLayer('Conv1').getWeights()[0]?.dataSync() as Float32Array, before as Float32Array)).toBe(0);
    other.dispose();
    model.dispose();
  });

  it('other widths: E_SHAPE_MISMATCH with expected/actual shapes', async () => {
    const narrow = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], alpha: 0.5, seed: 1 });
    await saveModel(narrow, join(root, 'narrow'));
    const model = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 2 });
    const error = await mismatch(loadWeights(model, join(root, 'narrow')));
    expect(error.code).toBe('E_SHAPE_MISMATCH');
    expect(error.report.mismatched[0]).toEqual({ name: 'Conv1/kernel', expected: [3, 3, 3, 32], actual: [3, 3, 3, 16] });
    expect(error.message).toContain('Conv1/kernel: model [3,3,3,32] vs file [3,3,3,16]');
    // Non-strict: Conv_1 reads 160 instead of 320 channels, but Conv_1_bn (1280 for α ≤ 1) matches and loads.
    const report = await loadWeights(model, join(root, 'narrow'), { strict: false });
    expect(report.loaded).toContain('Conv_1_bn/gamma');
    expect(report.mismatched.map((m) => m.name)).toContain('Conv_1/kernel');
    narrow.dispose();
    model.dispose();
  });

  it('non-strict: backbone weights into backbone + head (head missing), and a full model into a bare backbone (head unexpected)', async () => {
    const backbone = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 21 });
    const full = transferModel({ backbone, head: covidLiteHead({ seed: 22 }) });
    await saveModel(full, join(root, 'full'));
    const bare = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 23 });
    const strictError = await mismatch(loadWeights(bare, join(root, 'full')));
    expect(strictError.report.unexpected).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias', 'dense_3/kernel', 'dense_3/bias', 'dense_4/kernel', 'dense_4/bias']);
    const report = await loadWeights(bare, join(root, 'full'), { strict: false });
    expect(report.loaded).toHaveLength(bare.weights.length);
    expect(report.unexpected).toHaveLength(10);
    const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 4);
    expect(maxAbsDiff(predict(bare, x), predict(backbone, x))).toBe(0);

    await saveModel(bare, join(root, 'bare'));
    const fresh = transferModel({ backbone: 'mobilenetv2', backboneOptions: { inputShape: [32, 32, 3], seed: 24 }, head: covidLiteHead() });
    const partial = await loadWeights(fresh, join(root, 'bare'), { strict: false });
    expect(partial.missing).toHaveLength(10);
    expect(partial.missing[0]).toBe('dense/kernel');
    tf.dispose(x);
    [full, bare, fresh].forEach((m) => m.dispose()); // full owns backbone's layers
  });
});
