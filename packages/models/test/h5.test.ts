import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { isCxrError } from '@cxr/core';
import { expectNoLeaks } from '@cxr/testing';
import { loadKerasH5Weights as loadFromBytes, lungClassifier, mobileNet, readKerasH5, WeightsMismatchError } from '@cxr/models';
import { loadKerasH5Weights } from '@cxr/models/node';
import { useCpu } from './helpers.js';

// Fixtures: scripts/make-h5-fixtures.py (h5py, Keras 2's HDF5 layout). Values follow its formula.
const DIR = join(import.meta.dirname, 'fixtures', 'h5');
const file = (name: string): string => join(DIR, name);
const bytes = (name: string): Uint8Array => new Uint8Array(readFileSync(file(name)));

const key = (name: string): number => [...name].reduce((sum, c, j) => sum + (j + 1) * c.charCodeAt(0), 0) % 997;
/** The script's value(name, i) = ((7 i + key(name)) mod 61 − 30) / 32, exact in float32. */
function expected(name: string, size: number): Float32Array {
  const k = key(name);
  return Float32Array.from({ length: size }, (_, i) => (((7 * i + k) % 61) - 30) / 32);
}

/** Every weight of the model equals the fixture formula (exactly: the values are multiples of 1/32). */
function expectFixtureWeights(model: tfl.LayersModel): number {
  let checked = 0;
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const actual = w.read().dataSync();
      expect(Array.from(actual), w.originalName).toEqual(Array.from(expected(w.originalName, actual.length)));
      checked++;
    }
  }
  return checked;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

beforeAll(useCpu);

describe('readKerasH5', () => {
  it('reads the save_weights layout: layer_names order, weightless layers, `:0` stripped', async () => {
    const h5 = await readKerasH5(bytes('lung-classifier.weights.h5'));
    expect(h5.layout).toBe('weights');
    expect(h5.kerasVersion).toBe('2.13.1');
    expect(h5.backend).toBe('tensorflow');
    expect(h5.layers.map((l) => l.name)).toEqual(['1stConvLayer', '1stPoolLayer', '2ndConvLayer', '2ndPoolLayer', 'Flatten', 'FinalClassifier']);
    expect(h5.layers[1]?.weights).toEqual([]);
    expect(h5.layers[5]?.weights.map((w) => [w.name, w.shape, w.dtype])).toEqual([
      ['FinalClassifier/kernel', [324, 3], 'float32'],
      ['FinalClassifier/bias', [3], 'float32'],
    ]);
  });

  it('reads the full-model layout (model_weights/, gzip datasets, layer_names split into layer_names0/1/2)', async () => {
    const h5 = await readKerasH5(bytes('mobilenet-0.25.h5'));
    expect(h5.layout).toBe('model');
    expect(h5.layers[0]?.name).toBe('input_1');
    expect(h5.layers.map((l) => l.name)).toEqual(mobileNet({ alpha: 0.25, inputShape: [32, 32, 3] }).layers.map((l) => l.name));
    // conv1 + conv1_bn (4) + 13 blocks × (depthwise + 4 BN + pointwise + 4 BN).
    expect(h5.layers.flatMap((l) => l.weights).length).toBe(5 + 13 * 10);
  });
});

describe('loadKerasH5Weights', () => {
  it('save_weights file → lungClassifier: every weight equals the file', async () => {
    const model = lungClassifier({ inputShape: [64, 64, 1], seed: 1 });
    const report = await loadKerasH5Weights(model, file('lung-classifier.weights.h5'));
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.loaded).toHaveLength(6);
    expect(expectFixtureWeights(model)).toBe(6);
    model.dispose();
  });

  it('full-model file of the MobileNet backbone (alpha 0.25) → mobileNet: all 135 weights, leak-free', async () => {
    const model = mobileNet({ alpha: 0.25, inputShape: [32, 32, 3], seed: 3 });
    const h5 = bytes('mobilenet-0.25.h5');
    let loaded: string[] = [];
    await expectNoLeaks(async () => {
      loaded = (await loadFromBytes(model, h5)).loaded;
    });
    expect(loaded).toHaveLength(135);
    expect(expectFixtureWeights(model)).toBe(135);
    // The loaded network runs.
    const y = tf.tidy(() => model.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor);
    expect(y.shape).toEqual([1, 1, 1, 256]);
    y.dispose();
    model.dispose();
  });

  it('TF1-style variable names (`1stConvLayer_1/kernel:0`) match by their layer group; float64 values are cast', async () => {
    const model = lungClassifier({ inputShape: [64, 64, 1], seed: 6 });
    const report = await loadKerasH5Weights(model, file('lung-classifier.tf1-names.weights.h5'));
    expect(report.loaded).toHaveLength(6);
    expect(expectFixtureWeights(model)).toBe(6);
    model.dispose();
  });

  it('a nested sub-model group (Sequential([LungClassifier])) matches by its inner weight names', async () => {
    const model = lungClassifier({ inputShape: [64, 64, 1], seed: 2 });
    const report = await loadKerasH5Weights(model, file('lung-classifier.nested.h5'));
    expect(report.loaded).toHaveLength(6);
    expect(expectFixtureWeights(model)).toBe(6);
    model.dispose();
  });

  it('another architecture → WeightsMismatchError listing missing and unexpected weights; model untouched', async () => {
    const model = lungClassifier({ inputShape: [64, 64, 1], seed: 4 });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const error = await rejection(loadKerasH5Weights(model, file('mobilenet-0.25.h5')));
    expect(error).toBeInstanceOf(WeightsMismatchError);
    const mismatch = error as WeightsMismatchError;
    expect(mismatch.code).toBe('E_MODEL_LOAD');
    expect(mismatch.path).toBe(file('mobilenet-0.25.h5'));
    expect(mismatch.report.missing).toEqual(model.weights.map((w) => w.originalName));
    expect(mismatch.report.unexpected).toHaveLength(135);
    expect(mismatch.report.unexpected).toContain('conv_pw_13_bn/moving_variance');
    expect(mismatch.message).toMatch(/another architecture/);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    model.dispose();
  });

  it('same layers, other input size → E_SHAPE_MISMATCH naming the weight and both shapes; non-strict loads the rest', async () => {
    const model = lungClassifier({ inputShape: [70, 70, 1], seed: 5 });
    const error = await rejection(loadKerasH5Weights(model, file('lung-classifier.weights.h5')));
    expect(isCxrError(error, 'E_SHAPE_MISMATCH')).toBe(true);
    expect((error as WeightsMismatchError).report.mismatched).toEqual([{ name: 'FinalClassifier/kernel', expected: [400, 3], actual: [324, 3] }]);
    expect((error as Error).message).toMatch(/FinalClassifier\/kernel: model \[400,3\] vs file \[324,3\]/);

    const report = await loadKerasH5Weights(model, file('lung-classifier.weights.h5'), { strict: false });
    expect(report.loaded).toEqual(['1stConvLayer/kernel', '1stConvLayer/bias', '2ndConvLayer/kernel', '2ndConvLayer/bias', 'FinalClassifier/bias']);
    expect(Array.from(model.getLayer('1stConvLayer').getWeights()[0]!.dataSync())).toEqual(Array.from(expected('1stConvLayer/kernel', 100)));
    model.dispose();
  });

  it('Keras 3 .weights.h5, non-Keras HDF5, non-HDF5 and absent files → coded errors', async () => {
    const model = lungClassifier({ inputShape: [64, 64, 1] });
    const k3 = await rejection(loadKerasH5Weights(model, file('keras3.weights.h5')));
    expect(isCxrError(k3, 'E_MODEL_LOAD')).toBe(true);
    expect((k3 as Error).message).toMatch(/Keras 3/);
    const other = await rejection(loadKerasH5Weights(model, file('not-keras.h5')));
    expect(isCxrError(other, 'E_MODEL_LOAD')).toBe(true);
    expect((other as Error).message).toMatch(/not a Keras weights file/);
    expect((other as { path?: string }).path).toBe(file('not-keras.h5'));
    const notH5 = await rejection(loadFromBytes(model, new Uint8Array(64).fill(1)));
    expect(isCxrError(notH5, 'E_MODEL_LOAD')).toBe(true);
    const absent = await rejection(loadKerasH5Weights(model, file('absent.h5')));
    expect(isCxrError(absent, 'E_NOT_FOUND')).toBe(true);
    model.dispose();
  });
});
