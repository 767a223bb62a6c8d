import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { applyWeightArtifacts, serializeModel, summarize } from '@cxr/models';
// Imported from the source file until src/index.ts re-exports it and registry.ts registers the specs.
import {
  DENSENET121_SPEC,
  DENSENET201_SPEC,
  DENSENET_BLOCKS,
  DENSENET_MIN_SIDE,
  denseNet,
  denseNet121,
  denseNet201,
} from '../src/backbones/densenet.js';
import { fixture, maxAbsDiff, useCpu } from './helpers.js';

beforeAll(useCpu);

interface Golden {
  name: string;
  layerCount: number;
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  output: Array<number | null>;
  concatPerStage: number[];
  firstLayers?: string[];
  lastLayers?: string[];
  rows: Array<[string, string, string, number]>;
}

const golden = fixture<Record<'densenet201' | 'densenet121', Golden>>('densenet_keras.json');
const cfg = (m: tfl.LayersModel, name: string) => m.getLayer(name).getConfig() as Record<string, unknown>;

function checkAgainst(model: tfl.LayersModel, g: Golden): void {
  const s = summarize(model);
  expect(s.name).toBe(g.name);
  expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([g.totalParams, g.trainableParams, g.nonTrainableParams]);
  const names = model.layers.map((l) => l.name);
  expect(names).toHaveLength(g.layerCount);
  if (g.firstLayers) expect(names.slice(0, g.firstLayers.length)).toEqual(g.firstLayers);
  if (g.lastLayers) expect(names.slice(-g.lastLayers.length)).toEqual(g.lastLayers);
  g.concatPerStage.forEach((n, stage) => {
    expect(names.filter((x) => x.startsWith(`conv${stage + 2}_block`) && x.endsWith('_concat'))).toHaveLength(n);
  });
  expect(model.outputs[0]?.shape).toEqual(g.output);
  const byName = new Map(s.rows.map((r) => [r.name, r]));
  for (const [name, type, shape, params] of g.rows) {
    const row = byName.get(name);
    expect(row, name).toBeDefined();
    expect([row?.name, row?.type, row?.outputShape, row?.params]).toEqual([name, type, shape, params]);
  }
  // One flat graph: no nested model.
  expect(model.layers.every((l) => !(l instanceof tfl.LayersModel) && !('layers' in l))).toBe(true);
}

describe('denseNet201 / denseNet121', () => {
  it('DenseNet201 matches Keras (include_top=False) at 224×224×3: 707 layers, 18,321,984 params (golden)', () => {
    const t0 = performance.now();
    const model = denseNet201({ seed: 1 });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(20_000); // ≈ 0.25 s here; a generous guard against pathological slow-downs
    checkAgainst(model, golden.densenet201);
    expect(summarize(model).totalParams).toBe(DENSENET201_SPEC.kerasParams);
    // Keras' hyper-parameters: no conv bias, BN ε 1.001e-5 / momentum 0.99, 'same' 3×3, valid 7×7/2 stem.
    expect(cfg(model, 'conv1/conv')['useBias']).toBe(false);
    expect(cfg(model, 'conv1/conv')['strides']).toEqual([2, 2]);
    expect(cfg(model, 'conv1/conv')['padding']).toBe('valid');
    expect(cfg(model, 'conv4_block7_2_conv')['padding']).toBe('same');
    expect(cfg(model, 'conv4_block7_2_conv')['useBias']).toBe(false);
    expect(cfg(model, 'pool3_conv')['useBias']).toBe(false);
    expect(cfg(model, 'conv3_block2_1_bn')['epsilon']).toBeCloseTo(1.001e-5, 12);
    expect(cfg(model, 'bn')['momentum']).toBe(0.99);
    expect(cfg(model, 'pool1')['poolSize']).toEqual([3, 3]);
    expect(cfg(model, 'pool2_pool')['poolSize']).toEqual([2, 2]);
    // Weight names are tf.keras 2's ('/' in the stem layer names), as a converted .h5 has them.
    const weightNames = model.layers.flatMap((l) => l.weights.map((w) => w.originalName));
    expect(weightNames.slice(0, 5)).toEqual(['conv1/conv/kernel', 'conv1/bn/gamma', 'conv1/bn/beta', 'conv1/bn/moving_mean', 'conv1/bn/moving_variance']);
    expect(weightNames).toContain('conv5_block32_2_conv/kernel');
    expect(weightNames).toContain('bn/moving_variance');
    expect(model.getLayer(DENSENET201_SPEC.lastConvLayer).name).toBe('relu');
    model.dispose();
  });

  it('DenseNet121 (blocks [6, 12, 24, 16]) matches Keras: 427 layers, 7,037,504 params (golden)', () => {
    const model = denseNet121({ seed: 1 });
    checkAgainst(model, golden.densenet121);
    expect(summarize(model).totalParams).toBe(DENSENET121_SPEC.kerasParams);
    model.dispose();
  });

  it('runs forward at the minimum 32 px: finite (n, 1, 1, 1920), seeded, momentum option, predict-time BN', () => {
    const a = denseNet201({ inputShape: [32, 32, 3], seed: 7, batchNormMomentum: 0.9 });
    const b = denseNet201({ inputShape: [32, 32, 3], seed: 7 });
    expect(cfg(a, 'conv2_block1_0_bn')['momentum']).toBe(0.9);
    expect(cfg(b, 'conv2_block1_0_bn')['momentum']).toBe(0.99);
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 3);
    const ya = a.predict(x) as tf.Tensor;
    const yb = b.predict(x) as tf.Tensor;
    expect(ya.shape).toEqual([2, 1, 1, 1920]);
    const va = ya.dataSync();
    expect(va.every(Number.isFinite)).toBe(true);
    expect(va.every((v) => v >= 0)).toBe(true); // ends in ReLU
    expect(maxAbsDiff(va, yb.dataSync())).toBe(0); // same seed → same weights → same output
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it("'/' layer names survive serialisation and name-matched weight loading", async () => {
    const source = denseNet121({ inputShape: [32, 32, 3], seed: 1 });
    const target = denseNet121({ inputShape: [64, 64, 3], seed: 2 });
    const { modelJson, weights } = await serializeModel(source);
    expect(JSON.stringify(modelJson.modelTopology)).toContain('"conv1/conv"');
    const report = applyWeightArtifacts(target, { weightSpecs: modelJson.weightsManifest[0]?.weights ?? [], weightData: weights });
    expect([report.missing, report.unexpected, report.mismatched]).toEqual([[], [], []]);
    expect(report.loaded).toContain('conv1/conv/kernel');
    const k = (m: tfl.LayersModel, n: string) => m.getLayer(n).getWeights()[0]?.dataSync() as Float32Array;
    expect(maxAbsDiff(k(target, 'conv1/conv'), k(source, 'conv1/conv'))).toBe(0);
    expect(maxAbsDiff(k(target, 'conv5_block16_2_conv'), k(source, 'conv5_block16_2_conv'))).toBe(0);
    // The topology round-trips through tfjs' deserialiser.
    const again = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]?.weights ?? [], weightData: weights }),
    );
    expect(again.layers.map((l) => l.name)).toEqual(source.layers.map((l) => l.name));
    [source, target, again].forEach((m) => m.dispose());
  });

  it('specs: registry entries the lead registers', () => {
    expect(DENSENET201_SPEC).toMatchObject({
      name: 'densenet201',
      keras: 'DenseNet201',
      defaultInputShape: [224, 224, 3],
      minInputSide: 32,
      preprocess: 'torch',
      kerasParams: 18_321_984,
      lastConvLayer: 'relu',
    });
    expect(DENSENET121_SPEC).toMatchObject({ name: 'densenet121', keras: 'DenseNet121', preprocess: 'torch', kerasParams: 7_037_504 });
    expect(DENSENET_MIN_SIDE).toBe(32);
    expect(DENSENET_BLOCKS.densenet201).toEqual([6, 12, 48, 32]);
    const m = DENSENET201_SPEC.create({ inputShape: [32, 32, 3], seed: 1, name: 'dn', alpha: 1 });
    expect(m.name).toBe('dn');
    m.dispose();
    expect(() => DENSENET201_SPEC.create({ inputShape: [32, 32, 3], alpha: 0.5 })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });

  it('bad options are E_BAD_ARGUMENT', () => {
    const bad = expect.objectContaining({ code: 'E_BAD_ARGUMENT' });
    expect(() => denseNet201({ inputShape: [31, 224, 3] })).toThrow(bad);
    expect(() => denseNet201({ inputShape: [224, 31, 3] })).toThrow(/≥ 32/);
    expect(() => denseNet201({ inputShape: [224, 224] as unknown as [number, number, number] })).toThrow(bad);
    expect(() => denseNet201({ inputShape: [32.5, 32, 3] })).toThrow(bad);
    expect(() => denseNet201({ batchNormMomentum: 1 })).toThrow(bad);
    expect(() => denseNet121({ batchNormMomentum: -0.1 })).toThrow(/densenet121/);
    expect(() => denseNet([6, 12, 24])).toThrow(bad);
  });
});
