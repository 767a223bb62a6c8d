import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { correctPad, serializeModel, summarize } from '@cxr/models';
import {
  EFFICIENTNETB0_SPEC,
  EFFICIENTNETB7_SPEC,
  EFFICIENTNET_MIN_SIDE,
  efficientNet,
  efficientNetB0,
  roundFilters,
  roundRepeats,
} from '../src/backbones/efficientnet.js';
import { KerasNormalization, kerasNormalization, registerKerasNormalization } from '../src/layers/keras-normalization.js';
import { fixture, maxAbsDiff, useCpu } from './helpers.js';

beforeAll(useCpu);

type Row = [string, string, string, number];
interface Golden {
  b0: {
    name: string;
    layerCount: number;
    totalParams: number;
    trainableParams: number;
    nonTrainableParams: number;
    firstLayers: string[];
    lastLayers: string[];
    padLayers: string[];
    dropLayers: string[];
    addLayers: string[];
    rows: Row[];
  };
  b7: {
    name: string;
    layerCount: number;
    totalParams: number;
    trainableParams: number;
    nonTrainableParams: number;
    stemFilters: number;
    topFilters: number;
    lastBlock: string;
  };
}

const golden = fixture<Golden>('efficientnet_keras.json');

describe('efficientNet (Keras EfficientNetB0 / B7, include_top=False)', () => {
  it('B0 at 224×224×3 matches Keras: names, shapes, 4,049,571 params incl. the Normalization 7 (golden)', () => {
    const g = golden.b0;
    const model = efficientNet('b0', { seed: 1 });
    const s = summarize(model);
    expect(s.name).toBe(g.name);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([4_049_571, 4_007_548, 42_023]);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([g.totalParams, g.trainableParams, g.nonTrainableParams]);
    expect(model.countParams()).toBe(EFFICIENTNETB0_SPEC.kerasParams);
    const names = model.layers.map((l) => l.name);
    expect(names).toHaveLength(g.layerCount);
    expect(names.slice(0, g.firstLayers.length)).toEqual(g.firstLayers);
    expect(names.slice(-g.lastLayers.length)).toEqual(g.lastLayers);
    expect(names.filter((n) => n.endsWith('_pad'))).toEqual(g.padLayers);
    expect(names.filter((n) => n.endsWith('_drop'))).toEqual(g.dropLayers);
    expect(names.filter((n) => n.endsWith('_add'))).toEqual(g.addLayers);
    const byName = new Map(s.rows.map((r) => [r.name, r]));
    for (const [name, type, shape, params] of g.rows) {
      const row = byName.get(name);
      expect(row, name).toBeDefined();
      expect([row?.name, row?.type, row?.outputShape, row?.params]).toEqual([name, type, shape, params]);
    }
    // One flat graph.
    expect(model.layers.every((l) => !(l instanceof tfl.LayersModel) && !('layers' in l))).toBe(true);
    const cfg = (name: string) => model.getLayer(name).getConfig() as Record<string, unknown>;
    expect(cfg('rescaling')['scale']).toBeCloseTo(1 / 255, 12);
    expect(cfg('stem_activation')['activation']).toBe('swish');
    expect(cfg('block1a_se_reduce')['activation']).toBe('swish');
    expect(cfg('block1a_se_expand')['activation']).toBe('sigmoid');
    expect([cfg('block1a_se_reduce')['useBias'], cfg('stem_conv')['useBias'], cfg('top_conv')['useBias']]).toEqual([true, false, false]);
    expect([cfg('stem_conv')['strides'], cfg('stem_conv')['padding']]).toEqual([[2, 2], 'valid']);
    expect([cfg('stem_bn')['epsilon'], cfg('stem_bn')['momentum']]).toEqual([1e-3, 0.99]);
    expect(cfg('stem_conv_pad')['padding']).toEqual([[0, 1], [0, 1]]);
    expect(cfg('block3a_dwconv_pad')['padding']).toEqual(correctPad(56, 56, 5)); // [[1, 2], [1, 2]]
    expect(cfg('block3a_dwconv')['kernelSize']).toEqual([5, 5]);
    expect(cfg('block2b_dwconv')['padding']).toBe('same');
    // Drop-connect: 0.2 · b / 16 for block index b, whole samples (noise shape (None, 1, 1, 1)).
    expect(cfg('block2b_drop')['rate']).toBeCloseTo((0.2 * 2) / 16, 12);
    expect(cfg('block6d_drop')['rate']).toBeCloseTo((0.2 * 14) / 16, 12);
    expect(cfg('block2b_drop')['noiseShape']).toEqual([null, 1, 1, 1]);
    // Normalization: 3 mean + 3 variance + 1 count, all non-trainable; identity with weights=None.
    const norm = model.getLayer('normalization');
    expect(norm.getClassName()).toBe('Normalization');
    expect(norm.weights.map((w) => [w.originalName, w.shape, w.trainable])).toEqual([
      ['normalization/mean', [3], false],
      ['normalization/variance', [3], false],
      ['normalization/count', [], false],
    ]);
    model.dispose();
  });

  it('B7 matches Keras: 64,097,687 params (63,786,960 trainable, 310,727 non-trainable), 813 layers', () => {
    const g = golden.b7;
    // The parameter count does not depend on the input size: build at 64×64 to stay fast.
    const t0 = performance.now();
    const model = efficientNet('b7', { inputShape: [64, 64, 3], seed: 1 });
    const ms = performance.now() - t0;
    const s = summarize(model);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([64_097_687, 63_786_960, 310_727]);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([g.totalParams, g.trainableParams, g.nonTrainableParams]);
    expect(model.countParams()).toBe(EFFICIENTNETB7_SPEC.kerasParams);
    expect(model.name).toBe(g.name);
    expect(model.layers).toHaveLength(g.layerCount);
    expect(model.getLayer('stem_conv').outputShape).toEqual([null, 32, 32, g.stemFilters]);
    expect(model.outputs[0]?.shape).toEqual([null, 2, 2, g.topFilters]);
    expect(model.getLayer(`${g.lastBlock}_project_bn`)).toBeDefined();
    expect(() => model.getLayer('block7e_project_bn')).toThrow();
    expect(model.getLayer('block1a_project_bn').outputShape).toEqual([null, 32, 32, 32]);
    expect(model.getLayer('block1d_add')).toBeDefined(); // B7's block 1 repeats 4 times (ceil(3.1))
    console.info(`EfficientNetB7 at 64×64 built in ${ms.toFixed(0)} ms`);
    model.dispose();
  });

  it('round_filters / round_repeats as Keras', () => {
    expect([32, 16, 24, 40, 80, 112, 192, 320, 1280].map((f) => roundFilters(f, 1))).toEqual([32, 16, 24, 40, 80, 112, 192, 320, 1280]);
    expect([32, 16, 24, 40, 80, 112, 192, 320, 1280].map((f) => roundFilters(f, 2))).toEqual([64, 32, 48, 80, 160, 224, 384, 640, 2560]);
    expect(roundFilters(32, 1.1)).toBe(32); // B1-style: 35.2 → 32 (≥ 90%)
    expect(roundFilters(16, 1.4)).toBe(24); // 22.4 → 24
    expect([1, 2, 2, 3, 3, 4, 1].map((r) => roundRepeats(r, 3.1))).toEqual([4, 7, 7, 10, 10, 13, 4]);
  });

  it('runs forward at 32 and 64 px on raw 0…255 pixels, taps inner layers, is seeded', () => {
    for (const [side, out] of [
      [32, 1],
      [64, 2],
    ] as const) {
      const a = efficientNetB0({ inputShape: [side, side, 3], seed: 3 });
      const b = efficientNetB0({ inputShape: [side, side, 3], seed: 3 });
      const tap = tfl.model({
        inputs: a.inputs,
        outputs: [a.getLayer('top_conv').output as tfl.SymbolicTensor, a.outputs[0] as tfl.SymbolicTensor],
      });
      const x = tf.randomUniform([2, side, side, 3], 0, 255, 'float32', 5);
      const [inner, ya] = tap.predict(x) as tf.Tensor[];
      const yb = b.predict(x) as tf.Tensor;
      expect(inner?.shape).toEqual([2, out, out, 1280]);
      expect(ya?.shape).toEqual([2, out, out, 1280]);
      const v = (ya as tf.Tensor).dataSync();
      expect(v.every(Number.isFinite)).toBe(true);
      expect(v.every((n) => n >= -0.2785)).toBe(true); // swish minimum ≈ −0.2785
      expect(maxAbsDiff(v, yb.dataSync())).toBe(0);
      tf.dispose([x, inner, ya, yb]);
      a.dispose();
      b.dispose();
    }
    const c = efficientNetB0({ inputShape: [32, 32, 3], seed: 4 });
    const d = efficientNetB0({ inputShape: [32, 32, 3], seed: 5 });
    const k = (m: tfl.LayersModel) => m.getLayer('block3a_expand_conv').getWeights()[0]?.dataSync() as Float32Array;
    expect(maxAbsDiff(k(c), k(d))).toBeGreaterThan(0);
    c.dispose();
    d.dispose();
  });

  it('drop-connect drops whole samples in training and is the identity in inference', () => {
    const model = efficientNetB0({ inputShape: [32, 32, 3], seed: 1 });
    const drop = model.getLayer('block6d_drop'); // rate 0.175
    const x = tf.ones([64, 2, 2, 4]);
    const y = drop.apply(x, { training: true }) as tf.Tensor;
    const v = y.arraySync() as number[][][][];
    let dropped = 0;
    for (const sample of v) {
      const flat = sample.flat(2);
      const first = flat[0] as number;
      expect(flat.every((n) => n === first)).toBe(true);
      if (first === 0) dropped++;
      else expect(first).toBeCloseTo(1 / (1 - 0.175), 5);
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(64);
    const z = drop.apply(x, { training: false }) as tf.Tensor;
    expect(maxAbsDiff(z.dataSync(), x.dataSync())).toBe(0);
    tf.dispose([x, y, z]);
    model.dispose();
  });

  it('KerasNormalization: (x − mean) / max(√var, 1e-7), 2c + 1 non-trainable params, serialisable', async () => {
    registerKerasNormalization();
    const layer = kerasNormalization({ name: 'norm', mean: [1, 2, 3], variance: [4, 0, 0.25] });
    const input = tfl.input({ shape: [2, 2, 3] });
    const m = tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
    expect(m.countParams()).toBe(7);
    expect(layer.trainableWeights).toHaveLength(0);
    const x = tf.tensor4d([[[[3, 2, 4], [1, 2, 3]], [[5, 2, 2], [0, 2, 3.5]]]]);
    const y = m.predict(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([1, 0, 2, 0, 0, 0, 2, 0, -2, -0.5, 0, 1]);
    // Round trip through tfjs' (de)serialiser under Keras' class name.
    const { modelJson, weights } = await serializeModel(m);
    expect(JSON.stringify(modelJson.modelTopology)).toContain('"class_name":"Normalization"');
    const again = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]?.weights ?? [], weightData: weights }),
    );
    expect(again.layers[1]).toBeInstanceOf(KerasNormalization);
    const y2 = again.predict(x) as tf.Tensor;
    expect(maxAbsDiff(y2.dataSync(), y.dataSync())).toBe(0);
    tf.dispose([x, y, y2]);
    m.dispose();
    again.dispose();
  });

  it('a whole B0 serialises and deserialises (Normalization, swish, Dropout noise shape)', async () => {
    const model = efficientNetB0({ inputShape: [32, 32, 3], seed: 9 });
    const { modelJson, weights } = await serializeModel(model);
    const again = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]?.weights ?? [], weightData: weights }),
    );
    expect(again.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(again.countParams()).toBe(model.countParams());
    const x = tf.randomUniform([1, 32, 32, 3], 0, 255, 'float32', 1);
    const a = model.predict(x) as tf.Tensor;
    const b = again.predict(x) as tf.Tensor;
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, a, b]);
    model.dispose();
    again.dispose();
  });

  it('options and bad input: coded errors', () => {
    const m = efficientNet('B0' as 'b0', { inputShape: [33, 47, 1], batchNormMomentum: 0.9, name: 'eff' });
    expect(m.name).toBe('eff');
    expect(m.getLayer('stem_bn').getConfig()['momentum']).toBe(0.9);
    expect(m.getLayer('normalization').countParams()).toBe(3); // 1 mean + 1 variance + 1 count
    expect(m.getLayer('stem_conv_pad').getConfig()['padding']).toEqual([[1, 1], [1, 1]]); // odd sides
    expect(m.outputs[0]?.shape).toEqual([null, 2, 2, 1280]);
    m.dispose();
    for (const bad of [
      () => efficientNet('b3' as 'b0'),
      () => efficientNet('b0', { inputShape: [31, 64, 3] }),
      () => efficientNet('b0', { inputShape: [64, 64] as unknown as [number, number, number] }),
      () => efficientNet('b0', { inputShape: [64, 64, 3], batchNormMomentum: 1 }),
    ]) {
      expect(bad).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    }
    expect(EFFICIENTNET_MIN_SIDE).toBe(32);
  });

  it('specs: registry entries the lead registers', () => {
    expect(EFFICIENTNETB0_SPEC).toMatchObject({
      name: 'efficientnetb0',
      keras: 'EfficientNetB0',
      defaultInputShape: [224, 224, 3],
      minInputSide: 32,
      preprocess: 'none',
      kerasParams: 4_049_571,
      lastConvLayer: 'top_conv',
    });
    expect(EFFICIENTNETB7_SPEC).toMatchObject({
      name: 'efficientnetb7',
      keras: 'EfficientNetB7',
      defaultInputShape: [600, 600, 3],
      minInputSide: 32,
      preprocess: 'none',
      kerasParams: 64_097_687,
      lastConvLayer: 'top_conv',
    });
    const m = EFFICIENTNETB0_SPEC.create({ inputShape: [32, 32, 3], seed: 1 });
    expect(m.name).toBe('efficientnetb0');
    m.dispose();
  });
});
