import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { summarize } from '@cxr/models';
import { vgg16, VGG16_SPEC, VGG16_KERAS_PARAMS } from '../src/backbones/vgg16.js';
import { mobileNet, MOBILENET_SPEC, MOBILENET_KERAS_PARAMS } from '../src/backbones/mobilenet.js';
import { fixture, maxAbsDiff, useCpu } from './helpers.js';

beforeAll(useCpu);

interface Golden {
  name: string;
  layerCount: number;
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  layerNames?: string[];
  firstLayers?: string[];
  lastLayers?: string[];
  padLayers?: string[];
  rows: Array<[string, string, string, number]>;
}

const cfg = (m: tfl.LayersModel, name: string) => m.getLayer(name).getConfig() as Record<string, unknown>;

function expectGolden(model: tfl.LayersModel, golden: Golden): void {
  const s = summarize(model);
  expect(s.name).toBe(golden.name);
  expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([
    golden.totalParams,
    golden.trainableParams,
    golden.nonTrainableParams,
  ]);
  expect(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params])).toEqual(golden.rows);
  expect(model.layers).toHaveLength(golden.layerCount);
  expect(model.layers.every((l) => !(l instanceof tfl.LayersModel) && !('layers' in l))).toBe(true);
}

describe('vgg16 (Keras VGG16(include_top=False))', () => {
  it('matches Keras at 224×224×3: 19 layers, names, shapes, 14,714,688 params (golden)', () => {
    const golden = fixture<Golden>('vgg16_keras.json');
    expect(golden.totalParams).toBe(14_714_688);
    const model = VGG16_SPEC.create({ inputShape: [224, 224, 3], seed: 1 });
    expectGolden(model, golden);
    expect(model.layers.map((l) => l.name)).toEqual(golden.layerNames);
    expect(summarize(model).totalParams).toBe(VGG16_KERAS_PARAMS);
    expect(model.outputs[0]?.shape).toEqual([null, 7, 7, 512]);
    expect(model.getLayer(VGG16_SPEC.lastConvLayer).outputShape).toEqual([null, 14, 14, 512]);
    expect([VGG16_SPEC.name, VGG16_SPEC.keras, VGG16_SPEC.preprocess, VGG16_SPEC.minInputSide, VGG16_SPEC.kerasParams]).toEqual([
      'vgg16',
      'VGG16',
      'caffe',
      32,
      14_714_688,
    ]);
    expect([cfg(model, 'block3_conv2')['padding'], cfg(model, 'block3_conv2')['activation'], cfg(model, 'block3_conv2')['useBias']]).toEqual([
      'same',
      'relu',
      true,
    ]);
    expect(cfg(model, 'block5_pool')['poolSize']).toEqual([2, 2]);
    model.dispose();
  });

  it('runs forward at 32 px, is seeded, and rejects sides below 32', () => {
    const model = vgg16({ inputShape: [32, 32, 3], seed: 3 });
    const x = tf.randomUniform([2, 32, 32, 3], -100, 100, 'float32', 5);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 1, 1, 512]);
    const v = y.dataSync();
    expect(v.every((n) => Number.isFinite(n) && n >= 0)).toBe(true);
    expect(v.some((n) => n > 0)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
    const k = (m: tfl.LayersModel) => m.getLayer('block4_conv2').getWeights()[0]?.dataSync() as Float32Array;
    const [a, b, c] = [7, 7, 8].map((seed) => vgg16({ inputShape: [32, 32, 3], seed }));
    expect(maxAbsDiff(k(a!), k(b!))).toBe(0);
    expect(maxAbsDiff(k(a!), k(c!))).toBeGreaterThan(0);
    [a, b, c].forEach((m) => m?.dispose());
    const odd = vgg16({ inputShape: [45, 70, 1], name: 'v' });
    expect([odd.name, odd.outputs[0]?.shape]).toEqual(['v', [null, 1, 2, 512]]);
    odd.dispose();
    const bad = expect.objectContaining({ code: 'E_BAD_ARGUMENT' });
    expect(() => vgg16({ inputShape: [31, 64, 3] })).toThrowError(bad);
    expect(() => VGG16_SPEC.create({ inputShape: [64, 16, 3] })).toThrowError(bad);
    expect(() => vgg16({ inputShape: [32, 32] as unknown as [number, number, number] })).toThrowError(bad);
  });
});

describe('mobileNet (Keras MobileNet v1, include_top=False)', () => {
  it('matches Keras at 224×224×3, alpha 1: 86 layers, names, shapes, 3,228,864 params (golden)', () => {
    const golden = fixture<Golden>('mobilenet_keras.json');
    expect([golden.totalParams, golden.trainableParams, golden.nonTrainableParams]).toEqual([3_228_864, 3_206_976, 21_888]);
    const model = MOBILENET_SPEC.create({ inputShape: [224, 224, 3], seed: 1 });
    expectGolden(model, golden);
    const names = model.layers.map((l) => l.name);
    expect(names.slice(0, golden.firstLayers!.length)).toEqual(golden.firstLayers);
    expect(names.slice(-golden.lastLayers!.length)).toEqual(golden.lastLayers);
    expect(names.filter((n) => n.startsWith('conv_pad_'))).toEqual(golden.padLayers);
    expect(summarize(model).totalParams).toBe(MOBILENET_KERAS_PARAMS);
    expect(model.outputs[0]?.shape).toEqual([null, 7, 7, 1024]);
    expect([MOBILENET_SPEC.name, MOBILENET_SPEC.keras, MOBILENET_SPEC.preprocess, MOBILENET_SPEC.minInputSide, MOBILENET_SPEC.lastConvLayer]).toEqual([
      'mobilenet',
      'MobileNet',
      'tf',
      32,
      'conv_pw_13_relu',
    ]);
    expect(model.getLayer('conv_pw_13_relu').output).toBe(model.outputs[0]);
    expect([cfg(model, 'conv1')['padding'], cfg(model, 'conv1')['strides'], cfg(model, 'conv1')['useBias']]).toEqual(['same', [2, 2], false]);
    expect([cfg(model, 'conv_dw_2')['padding'], cfg(model, 'conv_dw_2')['strides']]).toEqual(['valid', [2, 2]]);
    expect([cfg(model, 'conv_dw_3')['padding'], cfg(model, 'conv_dw_3')['strides']]).toEqual(['same', [1, 1]]);
    expect(cfg(model, 'conv_pad_12')['padding']).toEqual([[0, 1], [0, 1]]);
    expect([cfg(model, 'conv1_bn')['epsilon'], cfg(model, 'conv1_bn')['momentum']]).toEqual([1e-3, 0.99]);
    expect(cfg(model, 'conv_pw_5_relu')['maxValue']).toBe(6);
    model.dispose();
  });

  it('alpha / depthMultiplier follow Keras (int(filters·alpha))', () => {
    const half = mobileNet({ alpha: 0.5 });
    expect(half.name).toBe('mobilenet_0.50_224');
    expect(half.outputs[0]?.shape).toEqual([null, 7, 7, 512]);
    // conv1 16·27=432 + BN 64; per block dw 9c + 4c, pw c·c' + 4c'.
    let total = 432 + 64;
    let cin = 16;
    for (const f of [32, 64, 64, 128, 128, 256, 256, 256, 256, 256, 256, 512, 512]) {
      total += 13 * cin + cin * f + 4 * f;
      cin = f;
    }
    expect(summarize(half).totalParams).toBe(total);
    half.dispose();
    const dm2 = mobileNet({ inputShape: [32, 32, 3], depthMultiplier: 2 });
    expect(dm2.getLayer('conv_dw_1').outputShape).toEqual([null, 16, 16, 64]);
    dm2.dispose();
  });

  it('runs forward at 32 px (odd sides symbolically), is seeded, and rejects bad input', () => {
    const model = mobileNet({ inputShape: [32, 32, 3], seed: 3, batchNormMomentum: 0.9 });
    expect(cfg(model, 'conv_pw_1_bn')['momentum']).toBe(0.9);
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 5);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 1, 1, 1024]);
    const v = y.dataSync();
    expect(v.every((n) => Number.isFinite(n) && n >= 0 && n <= 6)).toBe(true);
    expect(v.some((n) => n > 0)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
    const k = (m: tfl.LayersModel) => m.getLayer('conv_pw_7').getWeights()[0]?.dataSync() as Float32Array;
    const [a, b, c] = [7, 7, 8].map((seed) => mobileNet({ inputShape: [32, 32, 3], seed }));
    expect(maxAbsDiff(k(a!), k(b!))).toBe(0);
    expect(maxAbsDiff(k(a!), k(c!))).toBeGreaterThan(0);
    [a, b, c].forEach((m) => m?.dispose());
    const odd = mobileNet({ inputShape: [64, 45, 1] }); // 64→32→16→8→4→2; 45→23→11→5→2→1
    expect(odd.outputs[0]?.shape).toEqual([null, 2, 1, 1024]);
    odd.dispose();
    const bad = expect.objectContaining({ code: 'E_BAD_ARGUMENT' });
    expect(() => mobileNet({ inputShape: [31, 64, 3] })).toThrowError(bad);
    expect(() => MOBILENET_SPEC.create({ inputShape: [64, 20, 3] })).toThrowError(bad);
    expect(() => mobileNet({ alpha: 0 })).toThrowError(bad);
    expect(() => mobileNet({ depthMultiplier: 1.5 })).toThrowError(bad);
    expect(() => mobileNet({ batchNormMomentum: 1 })).toThrowError(bad);
  });
});
