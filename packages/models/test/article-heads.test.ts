import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { summarize, transferModel } from '@cxr/models';
import { denseNetArticleHead, poolDenseHead, vggArticleHead } from '../src/transfer/article-heads.js';
import { VGG16_SPEC } from '../src/backbones/vgg16.js';
import { MOBILENET_SPEC } from '../src/backbones/mobilenet.js';
import { maxAbsDiff, useCpu } from './helpers.js';

beforeAll(useCpu);

/** A stand-in backbone: a [h, w, c] feature map through one parameter-free layer. */
function fakeBackbone(h: number, w: number, c: number): tfl.LayersModel {
  const input = tfl.input({ shape: [h, w, c], name: 'features_in' });
  const out = tfl.layers.activation({ activation: 'linear', name: 'features' }).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: `fake_${c}` });
}

const trainable = (m: tfl.LayersModel) => m.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);

describe('the seed-002 article heads', () => {
  it("DenseNet201 head on 7×7×1920: pool → 3×3×1920 = 17,280 → 64 → 3 = 1,106,179 params (the article's count)", () => {
    const model = transferModel({ backbone: fakeBackbone(7, 7, 1920), head: poolDenseHead({ units: [64], dropout: 0.5, numClasses: 3, seed: 1 }), freeze: true });
    expect(trainable(model)).toBe(17_280 * 64 + 64 + 64 * 3 + 3);
    expect(trainable(model)).toBe(1_106_179);
    const s = summarize(model);
    expect(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params])).toEqual([
      ['features_in', 'InputLayer', '(None, 7, 7, 1920)', 0],
      ['features', 'Activation', '(None, 7, 7, 1920)', 0],
      ['averagepooling2d_head', 'AveragePooling2D', '(None, 3, 3, 1920)', 0],
      ['flatten_head', 'Flatten', '(None, 17280)', 0],
      ['dense_head', 'Dense', '(None, 64)', 1_105_984],
      ['dropout_head', 'Dropout', '(None, 64)', 0],
      ['predictions_head', 'Dense', '(None, 3)', 195],
    ]);
    const pool = model.getLayer('averagepooling2d_head').getConfig();
    expect([pool['poolSize'], pool['strides'], pool['padding']]).toEqual([[2, 2], [2, 2], 'valid']);
    expect(model.getLayer('dropout_head').getConfig()['rate']).toBe(0.5);
    expect(model.getLayer('predictions_head').getConfig()['activation']).toBe('softmax');
    model.dispose();
    // EfficientNetB7's 2560 channels: the article's 1,474,819.
    const eff = transferModel({ backbone: fakeBackbone(7, 7, 2560), head: denseNetArticleHead(), freeze: true });
    expect(trainable(eff)).toBe(1_474_819);
    eff.dispose();
  });

  it("VGG16 head on 7×7×512: 4,608 → 128 → 64 → 3 = 598,403 params (the article's count), on the fake map and on vgg16 itself", () => {
    const model = transferModel({ backbone: fakeBackbone(7, 7, 512), head: vggArticleHead({ numClasses: 3 }), freeze: true });
    expect(trainable(model)).toBe(4_608 * 128 + 128 + 128 * 64 + 64 + 64 * 3 + 3);
    expect(trainable(model)).toBe(598_403);
    expect(model.layers.slice(2).map((l) => l.name)).toEqual([
      'averagepooling2d_head',
      'flatten_head',
      'dense_head',
      'dropout_head',
      'dense_head_2',
      'dropout_head_2',
      'predictions_head',
    ]);
    model.dispose();
    const real = transferModel({ backbone: VGG16_SPEC.create({ seed: 1 }), head: vggArticleHead({ seed: 1 }), freeze: true });
    const s = summarize(real);
    expect([s.trainableParams, s.totalParams]).toEqual([598_403, 14_714_688 + 598_403]);
    expect(real.getLayer('dense_head_2').outputShape).toEqual([null, 64]);
    real.dispose();
  });

  it('forward pass on a small MobileNet, custom names, seeding and bad input', () => {
    const base = MOBILENET_SPEC.create({ inputShape: [64, 64, 3], seed: 2 }); // 2×2×1024 features
    const model = transferModel({
      backbone: base,
      head: poolDenseHead({ units: [16, 8], dropout: [0.2, 0.3], numClasses: 4, seed: 9, names: { dense: ['d1'], predictions: 'out' } }),
    });
    expect(model.layers.slice(-8).map((l) => l.name)).toEqual([
      'conv_pw_13_relu',
      'averagepooling2d_head',
      'flatten_head',
      'd1',
      'dropout_head',
      'dense_head_2',
      'dropout_head_2',
      'out',
    ]);
    expect(model.getLayer('dropout_head_2').getConfig()['rate']).toBe(0.3);
    const x = tf.randomUniform([3, 64, 64, 3], -1, 1, 'float32', 4);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 4]);
    const sums = tf.sum(y, 1).dataSync();
    expect(Array.from(sums).every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
    const k = (m: tfl.LayersModel) => m.getLayer('dense_head').getWeights()[0]?.dataSync() as Float32Array;
    const [a, b, c] = [5, 5, 6].map((seed) => transferModel({ backbone: fakeBackbone(4, 4, 8), head: denseNetArticleHead({ seed }) }));
    expect(maxAbsDiff(k(a!), k(b!))).toBe(0);
    expect(maxAbsDiff(k(a!), k(c!))).toBeGreaterThan(0);
    [a, b, c].forEach((m) => m?.dispose());
    const badArg = expect.objectContaining({ code: 'E_BAD_ARGUMENT' });
    expect(() => poolDenseHead({ numClasses: 1 })).toThrowError(badArg);
    expect(() => poolDenseHead({ units: [0] })).toThrowError(badArg);
    expect(() => poolDenseHead({ units: [8, 4], dropout: [0.5] })).toThrowError(badArg);
    expect(() => poolDenseHead({ dropout: 1 })).toThrowError(badArg);
    expect(() => poolDenseHead({ poolSize: 0 })).toThrowError(badArg);
    // vgg16 at 32 px ends at 1×1: too small for the 2×2 pool.
    const tiny = VGG16_SPEC.create({ inputShape: [32, 32, 3] });
    expect(() => transferModel({ backbone: tiny, head: vggArticleHead() })).toThrowError(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    tiny.dispose();
  });
});
