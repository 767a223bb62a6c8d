import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  correctPad,
  createBackbone,
  getBackbone,
  listBackbones,
  makeDivisible,
  preprocessInput,
  summarize,
} from '@cxr/models';
import { CxrError, isCxrError } from '@cxr/core';
import { fixture, maxAbsDiff, useCpu } from './helpers.js';

beforeAll(useCpu);

interface Golden {
  name: string;
  layerCount: number;
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  firstLayers: string[];
  lastLayers: string[];
  addLayers: string[];
  padLayers: string[];
  rows: Array<[string, string, string, number]>;
}

function thrown(fn: () => unknown): CxrError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CxrError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('createBackbone("mobilenetv2")', () => {
  it('matches Keras MobileNetV2(include_top=False) at 224×224×3: names, shapes, 2,257,984 params (golden)', () => {
    const golden = fixture<Golden>('mobilenet_v2_keras.json');
    const model = createBackbone('mobilenetv2', { seed: 1 });
    const s = summarize(model);
    expect(s.name).toBe(golden.name);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([2_257_984, 2_223_872, 34_112]);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([
      golden.totalParams,
      golden.trainableParams,
      golden.nonTrainableParams,
    ]);
    expect(model.countParams()).toBe(getBackbone('mobilenetv2').kerasParams);
    const names = model.layers.map((l) => l.name);
    expect(names).toHaveLength(golden.layerCount);
    expect(names.slice(0, golden.firstLayers.length)).toEqual(golden.firstLayers);
    expect(names.slice(-golden.lastLayers.length)).toEqual(golden.lastLayers);
    expect(names.filter((n) => n.endsWith('_add'))).toEqual(golden.addLayers);
    expect(names.filter((n) => n.endsWith('_pad'))).toEqual(golden.padLayers);
    const byName = new Map(s.rows.map((r) => [r.name, r]));
    for (const [name, type, shape, params] of golden.rows) {
      const row = byName.get(name);
      expect(row, name).toBeDefined();
      expect([row?.name, row?.type, row?.outputShape, row?.params]).toEqual([name, type, shape, params]);
    }
    // One flat graph: no layer is itself a model, so every inner layer can be tapped.
    expect(model.layers.every((l) => !(l instanceof tfl.LayersModel) && !('layers' in l))).toBe(true);
    // ReLU6, BN epsilon 1e-3 / momentum 0.999, correct_pad on every stride-2 depthwise conv.
    const cfg = (name: string) => model.getLayer(name).getConfig();
    expect(cfg('Conv1_relu')['maxValue']).toBe(6);
    expect([cfg('bn_Conv1')['epsilon'], cfg('bn_Conv1')['momentum']]).toEqual([1e-3, 0.999]);
    const fast = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], alpha: 0.35, batchNormMomentum: 0.9 });
    expect((fast.getLayer('bn_Conv1').getConfig() as Record<string, unknown>)['momentum']).toBe(0.9);
    expect(() => createBackbone('mobilenetv2', { inputShape: [32, 32, 3], batchNormMomentum: 1 })).toThrowError(
      expect.objectContaining({ code: 'E_BAD_ARGUMENT' }),
    );
    expect(cfg('block_1_pad')['padding']).toEqual([[0, 1], [0, 1]]);
    expect(cfg('block_1_depthwise')['padding']).toBe('valid');
    expect(cfg('block_2_depthwise')['padding']).toBe('same');
    expect(cfg('Conv1')['useBias']).toBe(false);
    model.dispose();
  });

  it('taps any inner layer (Grad-CAM style) and runs forward at 96×96 and 32×32', () => {
    for (const [side, out] of [
      [96, 3],
      [32, 1],
    ] as const) {
      const model = createBackbone('mobilenetv2', { inputShape: [side, side, 3], seed: 2 });
      const tap = tfl.model({
        inputs: model.inputs,
        outputs: [model.getLayer('block_16_project_BN').output as tfl.SymbolicTensor, model.outputs[0] as tfl.SymbolicTensor],
      });
      const x = tf.randomUniform([2, side, side, 3], -1, 1, 'float32', 5);
      const [inner, y] = tap.predict(x) as tf.Tensor[];
      expect(inner?.shape).toEqual([2, out, out, 320]);
      expect(y?.shape).toEqual([2, out, out, 1280]);
      const v = (y as tf.Tensor).dataSync();
      expect(v.every((n) => Number.isFinite(n) && n >= 0 && n <= 6)).toBe(true);
      tf.dispose([x, inner, y]);
      model.dispose();
    }
  });

  it('is seeded, supports alpha, odd sizes and rejects bad input with coded errors', () => {
    const a = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 7 });
    const b = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 7 });
    const c = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 8 });
    const k = (m: tfl.LayersModel, n: string) => m.getLayer(n).getWeights()[0]?.dataSync() as Float32Array;
    expect(maxAbsDiff(k(a, 'block_5_expand'), k(b, 'block_5_expand'))).toBe(0);
    expect(maxAbsDiff(k(a, 'block_5_expand'), k(c, 'block_5_expand'))).toBeGreaterThan(0);
    [a, b, c].forEach((m) => m.dispose());

    const wide = createBackbone('MobileNetV2', { inputShape: [36, 45, 1], alpha: 1.4 });
    expect(wide.name).toBe('mobilenetv2_1.40_36');
    expect(wide.outputs[0]?.shape).toEqual([null, 2, 2, 1792]);
    expect(wide.getLayer('block_1_pad').getConfig()['padding']).toEqual([[0, 1], [1, 1]]); // 18×23: even height pads (0,1), odd width (1,1)
    expect(wide.getLayer('Conv1').outputShape).toEqual([null, 18, 23, 48]);
    wide.dispose();

    expect(makeDivisible(32 * 0.35)).toBe(16); // rounds up when rounding loses > 10 %
    expect(makeDivisible(Math.trunc(16 * 0.35))).toBe(8);
    expect(makeDivisible(1280 * 1.4)).toBe(1792);
    expect(makeDivisible(96 * 0.75)).toBe(72);
    expect(correctPad(224, 224)).toEqual([[0, 1], [0, 1]]);
    expect(correctPad(7, 8)).toEqual([[1, 1], [0, 1]]);
    expect(correctPad(null, null)).toEqual([[0, 1], [0, 1]]);

    expect(listBackbones()).toContain('mobilenetv2');
    const unknown = thrown(() => createBackbone('resnet9000'));
    expect(unknown.code).toBe('E_BAD_ARGUMENT');
    expect(unknown.message).toContain('mobilenetv2');
    expect(isCxrError(thrown(() => createBackbone('mobilenetv2', { inputShape: [31, 64, 3] })), 'E_BAD_ARGUMENT')).toBe(true);
    expect(isCxrError(thrown(() => createBackbone('mobilenetv2', { alpha: 0 })), 'E_BAD_ARGUMENT')).toBe(true);
  });
});

describe('preprocessInput', () => {
  it("'tf' mode is x/127.5 − 1 on 0…255 and x·2 − 1 on 0…1; torch and caffe as Keras", () => {
    const x = tf.tensor4d([0, 127.5, 255, 51], [1, 1, 1, 4]);
    expect(Array.from(preprocessInput(x).dataSync())).toEqual([-1, 0, 1, 51 / 127.5 - 1].map((v) => Math.fround(v)));
    const unit = tf.tensor1d([0, 0.5, 1]);
    expect(Array.from(preprocessInput(unit, { inputMax: 1 }).dataSync())).toEqual([-1, 0, 1]);
    const rgb = tf.tensor2d([[255, 0, 127]]);
    const caffe = preprocessInput(rgb, { mode: 'caffe' }).dataSync();
    expect(maxAbsDiff(caffe, [127 - 103.939, 0 - 116.779, 255 - 123.68])).toBeLessThan(1e-4);
    const torch = preprocessInput(rgb, { mode: 'torch' }).dataSync();
    expect(maxAbsDiff(torch, [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (127 / 255 - 0.406) / 0.225])).toBeLessThan(1e-5);
    expect(getBackbone('mobilenetv2').preprocess).toBe('tf');
    expect(isCxrError(thrown(() => preprocessInput(tf.zeros([2, 2]), { mode: 'caffe' })), 'E_SHAPE_MISMATCH')).toBe(true);
    tf.dispose([x, unit, rgb]);
  });
});
