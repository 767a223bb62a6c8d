import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  bodyLayerIndices,
  createBackbone,
  fastaiHead,
  freezeBody,
  getBackbone,
  listBackbones,
  summarize,
  transferModel,
  unfreezeAll,
} from '@cxr/models';
import { maxAbsDiff, fixture, useCpu } from './helpers.js';

beforeAll(useCpu);

interface Golden {
  name: string;
  layerCount: number;
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  firstLayers: string[];
  lastLayers: string[];
  shortcutConvs: string[];
  outLayers: number;
  rows: Array<[string, string, string, number]>;
}

const RESNET50 = 23_587_712;
const BODY_BN_GAMMA_BETA = 53_120; // 26,560 BN channels × (γ, β); as many moving statistics
/** fastaiHead on 2048 channels, 2 classes: BN(4096) γβ + Linear 4096→512 + BN(512) γβ + Linear 512→2, no biases. */
const HEAD_TRAINABLE = 8_192 + 2_097_152 + 1_024 + 1_024;
const HEAD_NON_TRAINABLE = 8_192 + 1_024;

const cfg = (m: tfl.LayersModel, name: string) => m.getLayer(name).getConfig() as Record<string, unknown>;
const trainableCount = (m: tfl.LayersModel) => m.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);

describe("createBackbone('resnet50')", () => {
  it('matches Keras ResNet50(include_top=False) at 224×224×3: names, shapes, 23,587,712 params (golden)', () => {
    const golden = fixture<Golden>('resnet50_keras.json');
    const model = createBackbone('resnet50', { seed: 1 });
    const s = summarize(model);
    expect(s.name).toBe(golden.name);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([RESNET50, 23_534_592, 53_120]);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([
      golden.totalParams,
      golden.trainableParams,
      golden.nonTrainableParams,
    ]);
    const spec = getBackbone('ResNet50');
    expect([spec.kerasParams, spec.preprocess, spec.lastConvLayer, spec.keras, spec.minInputSide]).toEqual([
      RESNET50,
      'caffe',
      'conv5_block3_out',
      'ResNet50',
      32,
    ]);
    expect(listBackbones()).toContain('resnet50');
    const names = model.layers.map((l) => l.name);
    expect(names).toHaveLength(golden.layerCount);
    expect(names.slice(0, golden.firstLayers.length)).toEqual(golden.firstLayers);
    expect(names.slice(-golden.lastLayers.length)).toEqual(golden.lastLayers);
    expect(names.filter((n) => n.endsWith('_0_conv'))).toEqual(golden.shortcutConvs);
    expect(names.filter((n) => n.endsWith('_out'))).toHaveLength(golden.outLayers);
    const byName = new Map(s.rows.map((r) => [r.name, r]));
    for (const [name, type, shape, params] of golden.rows) {
      const row = byName.get(name);
      expect(row, name).toBeDefined();
      expect([row?.name, row?.type, row?.outputShape, row?.params]).toEqual([name, type, shape, params]);
    }
    expect(model.layers.every((l) => !(l instanceof tfl.LayersModel) && !('layers' in l))).toBe(true);
    // Keras v1: stride on the first 1×1 conv (and the shortcut), 3×3 'same', biases everywhere, BN ε 1.001e-5.
    expect(cfg(model, 'conv2_block1_1_conv')['strides']).toEqual([1, 1]);
    expect(cfg(model, 'conv3_block1_1_conv')['strides']).toEqual([2, 2]);
    expect(cfg(model, 'conv3_block1_0_conv')['strides']).toEqual([2, 2]);
    expect(cfg(model, 'conv3_block1_2_conv')['strides']).toEqual([1, 1]);
    expect(cfg(model, 'conv3_block1_2_conv')['padding']).toBe('same');
    expect(cfg(model, 'conv1_conv')['padding']).toBe('valid');
    expect(model.layers.filter((l) => l.getClassName() === 'Conv2D').every((l) => l.getConfig()['useBias'] === true)).toBe(true);
    expect([cfg(model, 'conv1_bn')['epsilon'], cfg(model, 'conv1_bn')['momentum']]).toEqual([1.001e-5, 0.99]);
    expect(cfg(model, 'conv1_pad')['padding']).toEqual([[3, 3], [3, 3]]);
    model.dispose();
  });

  it('runs forward at 32 px (64 px symbolically), taps inner layers, is seeded and rejects bad input', () => {
    for (const [side, out] of [[32, 1]] as const) {
      const model = createBackbone('resnet50', { inputShape: [side, side, 3], seed: 3 });
      const tap = tfl.model({
        inputs: model.inputs,
        outputs: [model.getLayer('conv4_block6_out').output as tfl.SymbolicTensor, model.outputs[0] as tfl.SymbolicTensor],
      });
      const x = tf.randomUniform([2, side, side, 3], -100, 100, 'float32', 5);
      const [inner, y] = tap.predict(x) as tf.Tensor[];
      expect(inner?.shape).toEqual([2, 2 * out, 2 * out, 1024]);
      expect(y?.shape).toEqual([2, out, out, 2048]);
      const v = (y as tf.Tensor).dataSync();
      expect(v.every((n) => Number.isFinite(n) && n >= 0)).toBe(true);
      expect(v.some((n) => n > 0)).toBe(true);
      tf.dispose([x, inner, y]);
      model.dispose();
    }
    const k = (m: tfl.LayersModel) => m.getLayer('conv4_block2_2_conv').getWeights()[0]?.dataSync() as Float32Array;
    const [a, b, c] = [7, 7, 8].map((seed) => createBackbone('resnet50', { inputShape: [32, 32, 3], seed }));
    expect(maxAbsDiff(k(a!), k(b!))).toBe(0);
    expect(maxAbsDiff(k(a!), k(c!))).toBeGreaterThan(0);
    [a, b, c].forEach((m) => m?.dispose());
    const odd = createBackbone('resnet50', { inputShape: [45, 37, 1], batchNormMomentum: 0.9 });
    expect(odd.outputs[0]?.shape).toEqual([null, 2, 2, 2048]);
    const at64 = createBackbone('resnet50', { inputShape: [64, 64, 3] });
    expect(at64.outputs[0]?.shape).toEqual([null, 2, 2, 2048]);
    at64.dispose();
    expect(cfg(odd, 'conv1_bn')['momentum']).toBe(0.9);
    odd.dispose();
    const bad = expect.objectContaining({ code: 'E_BAD_ARGUMENT' });
    expect(() => createBackbone('resnet50', { inputShape: [31, 64, 3] })).toThrowError(bad);
    expect(() => createBackbone('resnet50', { inputShape: [32, 32, 3], batchNormMomentum: 1 })).toThrowError(bad);
  });
});

describe('fastaiHead', () => {
  it("is fastai's create_head on ResNet50: concat pool → BN·Drop(.25)·Linear 512·ReLU → BN·Drop(.5)·Linear n", () => {
    const model = transferModel({
      backbone: 'resnet50',
      backboneOptions: { inputShape: [32, 32, 3], seed: 1 },
      head: fastaiHead({ numClasses: 2, seed: 2 }),
    });
    const s = summarize(model);
    expect(s.rows.slice(175).map((r) => [r.name, r.type, r.outputShape, r.params])).toEqual([
      ['head_concat_pool_max', 'GlobalMaxPooling2D', '(None, 2048)', 0],
      ['head_concat_pool_avg', 'GlobalAveragePooling2D', '(None, 2048)', 0],
      ['head_concat_pool', 'Concatenate', '(None, 4096)', 0],
      ['head_bn_1', 'BatchNormalization', '(None, 4096)', 16_384],
      ['head_dropout_1', 'Dropout', '(None, 4096)', 0],
      ['head_linear_1', 'Dense', '(None, 512)', 2_097_152],
      ['head_relu_1', 'Activation', '(None, 512)', 0],
      ['head_bn_2', 'BatchNormalization', '(None, 512)', 2_048],
      ['head_dropout_2', 'Dropout', '(None, 512)', 0],
      ['head_linear_2', 'Dense', '(None, 2)', 1_024],
      ['head_softmax', 'Activation', '(None, 2)', 0],
    ]);
    expect(s.totalParams).toBe(RESNET50 + HEAD_TRAINABLE + HEAD_NON_TRAINABLE);
    expect(s.nonTrainableParams).toBe(53_120 + HEAD_NON_TRAINABLE);
    expect([cfg(model, 'head_dropout_1')['rate'], cfg(model, 'head_dropout_2')['rate']]).toEqual([0.25, 0.5]);
    expect([cfg(model, 'head_bn_1')['epsilon'], cfg(model, 'head_bn_1')['momentum']]).toEqual([1e-5, 0.9]);
    const x = tf.randomUniform([3, 32, 32, 3], -100, 100, 'float32', 1);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 2]);
    const sums = tf.sum(y, 1).dataSync();
    expect(maxAbsDiff(sums, [1, 1, 1])).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('concatenates max then average pooling (AdaptiveConcatPool2d); options: bias, hidden, dropout, logits; bad input', () => {
    const input = tfl.input({ shape: [2, 2, 2] });
    const head = fastaiHead({ numClasses: 3, hidden: [8, 4], dropout: 0.4, bias: true, activation: 'linear', prefix: 'h_' });
    const out = head(input);
    const model = tfl.model({ inputs: input, outputs: out });
    const pool = tfl.model({ inputs: input, outputs: model.getLayer('h_concat_pool').output as tfl.SymbolicTensor });
    const x = tf.tensor4d([1, 10, 2, 20, 3, 30, 6, 60], [1, 2, 2, 2]);
    const p = pool.predict(x) as tf.Tensor;
    expect(Array.from(p.dataSync())).toEqual([6, 60, 3, 30]);
    const names = model.layers.map((l) => l.name);
    expect(names.filter((n) => n.startsWith('h_dropout'))).toEqual(['h_dropout_1', 'h_dropout_2', 'h_dropout_3']);
    expect([1, 2, 3].map((i) => cfg(model, `h_dropout_${i}`)['rate'])).toEqual([0.2, 0.2, 0.4]);
    expect([1, 2, 3].map((i) => cfg(model, `h_linear_${i}`)['units'])).toEqual([8, 4, 3]);
    expect(cfg(model, 'h_linear_3')['useBias']).toBe(true);
    expect(names.some((n) => n.includes('softmax'))).toBe(false);
    // fastai-1 flavour (bias) on ResNet50's 2048 channels: 2,116,608 + 512 + 2 parameters.
    const feat = tfl.input({ shape: [1, 1, 2048] });
    expect(tfl.model({ inputs: feat, outputs: fastaiHead({ numClasses: 2, bias: true })(feat) }).countParams()).toBe(2_117_122);
    tf.dispose([x, p]);
    const bad = expect.objectContaining({ code: 'E_BAD_ARGUMENT' });
    expect(() => fastaiHead({ numClasses: 1 })).toThrowError(bad);
    expect(() => fastaiHead({ numClasses: 2, dropout: [0.5] })).toThrowError(bad);
    expect(() => fastaiHead({ numClasses: 2, dropout: 1 })).toThrowError(bad);
    expect(() => fastaiHead({ numClasses: 2, hidden: [0] })).toThrowError(bad);
    expect(() => fastaiHead({ numClasses: 2 })(tfl.input({ shape: [8] }))).toThrowError(
      expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }),
    );
  });
});

describe('freezeBody / unfreezeAll (fastai freeze semantics)', () => {
  it('freezes the body except BatchNorm (train_bn), keeps the head trainable; counts', () => {
    const backbone = createBackbone('resnet50', { inputShape: [32, 32, 3], seed: 4 });
    const model = transferModel({ backbone, head: fastaiHead({ numClasses: 2, seed: 5 }) });
    expect(bodyLayerIndices(model)).toEqual(Array.from({ length: 175 }, (_, i) => i));
    expect(trainableCount(model)).toBe(23_534_592 + HEAD_TRAINABLE);

    const changed = freezeBody(model);
    expect(changed).toBe(175 - 1 - 53); // every body layer but the input and the 53 BN layers
    expect(trainableCount(model)).toBe(BODY_BN_GAMMA_BETA + HEAD_TRAINABLE);
    expect(model.getLayer('conv1_bn').trainable).toBe(true);
    expect(model.getLayer('conv5_block3_3_conv').trainable).toBe(false);
    expect(model.getLayer('head_linear_2').trainable).toBe(true);
    expect(freezeBody(model)).toBe(0);

    expect(freezeBody(model, { trainBatchNorm: false })).toBe(53);
    expect(trainableCount(model)).toBe(HEAD_TRAINABLE);
    expect(freezeBody(model, { body: backbone })).toBe(53);
    expect(trainableCount(model)).toBe(BODY_BN_GAMMA_BETA + HEAD_TRAINABLE);

    expect(unfreezeAll(model)).toBe(121);
    expect(trainableCount(model)).toBe(23_534_592 + HEAD_TRAINABLE);
    expect(freezeBody(model, { lastBodyLayer: 'conv5_block3_out' })).toBe(121);
    expect(trainableCount(model)).toBe(BODY_BN_GAMMA_BETA + HEAD_TRAINABLE);

    // A model transferModel did not build needs the body named.
    const plain = tfl.model({ inputs: model.inputs, outputs: model.outputs });
    expect(() => freezeBody(plain)).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(freezeBody(plain, { body: { to: 175 } })).toBe(0);
    model.dispose();
  });

  it('after freezeBody the optimiser sees body BN γ/β and the head, not body convolutions (no fit: too slow on tfjs CPU)', () => {
    const model = transferModel({
      backbone: 'resnet50',
      backboneOptions: { inputShape: [32, 32, 3], seed: 6 },
      head: fastaiHead({ numClasses: 2, seed: 7 }),
    });
    freezeBody(model);
    const trainable = new Set(model.trainableWeights.map((w) => w.originalName));
    expect(trainable.has('conv3_block1_2_bn/gamma')).toBe(true);
    expect(trainable.has('conv3_block1_2_bn/beta')).toBe(true);
    expect(trainable.has('conv3_block1_2_bn/moving_mean')).toBe(false);
    expect(trainable.has('conv3_block1_2_conv/kernel')).toBe(false);
    expect(trainable.has('head_linear_1/kernel')).toBe(true);
    expect(trainable.size).toBe(53 * 2 + 2 * 2 + 2);
    model.dispose();
  });
});
