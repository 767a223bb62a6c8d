import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { covidLiteHead, createBackbone, freeze, selectLayers, summarize, transferModel, unfreeze } from '@cxr/models';
import { CxrError } from '@cxr/core';
import { maxAbsDiff, useCpu } from './helpers.js';

beforeAll(useCpu);

const HEAD = [
  ['global_average_pooling2d', 'GlobalAveragePooling2D', '(None, 1280)', 0],
  ['dense', 'Dense', '(None, 512)', 655_872],
  ['dropout', 'Dropout', '(None, 512)', 0],
  ['dense_1', 'Dense', '(None, 128)', 65_664],
  ['dropout_1', 'Dropout', '(None, 128)', 0],
  ['dense_2', 'Dense', '(None, 64)', 8_256],
  ['dropout_2', 'Dropout', '(None, 64)', 0],
  ['dense_3', 'Dense', '(None, 32)', 2_080],
  ['dropout_3', 'Dropout', '(None, 32)', 0],
  ['dense_4', 'Dense', '(None, 3)', 99],
];

describe('transferModel + covidLiteHead', () => {
  it('is the article’s MobileNetV2 + GAP-512-.7-128-.5-64-.3-32-.3-softmax head in one flat graph', () => {
    const model = transferModel({ backbone: 'mobilenetv2', backboneOptions: { seed: 1 }, head: covidLiteHead({ seed: 2 }) });
    const s = summarize(model);
    expect(s.rows.slice(-HEAD.length).map((r) => [r.name, r.type, r.outputShape, r.params])).toEqual(HEAD);
    expect(s.totalParams).toBe(2_257_984 + 731_971);
    expect(s.nonTrainableParams).toBe(34_112);
    expect(model.layers).toHaveLength(154 + HEAD.length);
    expect(model.layers.every((l) => !(l instanceof tfl.LayersModel))).toBe(true);
    expect(model.getLayer('block_16_depthwise').outputShape).toEqual([null, 7, 7, 960]);
    expect((model.getLayer('dropout').getConfig() as { rate: number }).rate).toBe(0.7);
    model.dispose();
  });

  it('freeze: true freezes the whole base; the output is a softmax at 96×96', () => {
    const model = transferModel({
      backbone: createBackbone('mobilenetv2', { inputShape: [96, 96, 3], seed: 3 }),
      head: covidLiteHead({ numClasses: 4, seed: 4 }),
      freeze: true,
    });
    const s = summarize(model);
    expect(s.trainableParams).toBe(1280 * 512 + 512 + 65_664 + 8_256 + 2_080 + 32 * 4 + 4);
    const x = tf.randomUniform([2, 96, 96, 3], -1, 1, 'float32', 1);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 4]);
    const sums = tf.sum(y, 1).dataSync();
    expect(maxAbsDiff(sums, [1, 1])).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('freeze / unfreeze', () => {
  it('select by regex, name, index, range, predicate, list; return the count changed', () => {
    const model = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], seed: 5 });
    const n = model.layers.length; // 154
    expect(freeze(model)).toBe(n - 1); // tfjs' InputLayer starts non-trainable
    expect(freeze(model)).toBe(0);
    expect(summarize(model).trainableParams).toBe(0);
    expect(unfreeze(model, /^block_16_/)).toBe(8);
    expect(unfreeze(model, 'Conv_1')).toBe(1);
    expect(unfreeze(model, -1)).toBe(1); // out_relu
    expect(unfreeze(model, { from: 100 })).toBe(n - 100 - 10);
    expect(freeze(model, { to: 100 })).toBe(0);
    expect(freeze(model, { from: -3 })).toBe(3);
    const isBn = (l: tfl.LayersModel['layers'][number]) => l.getClassName() === 'BatchNormalization';
    expect(model.layers.filter(isBn)).toHaveLength(52);
    const frozenBn = model.layers.filter((l) => isBn(l) && !l.trainable).length;
    expect(frozenBn).toBeGreaterThan(20);
    expect(unfreeze(model, isBn)).toBe(frozenBn);
    expect(unfreeze(model, ['Conv1', 0])).toBe(2);
    expect(selectLayers(model, { from: 1, to: 4 }).map((i) => model.layers[i]?.name)).toEqual(['Conv1', 'bn_Conv1', 'Conv1_relu']);
    // Keras' fine-tuning recipe: unfreeze all, then freeze layers[:100].
    unfreeze(model);
    expect(freeze(model, { to: 100 })).toBe(100);
    expect(model.layers.filter((l) => !l.trainable)).toHaveLength(100);
    expect(() => freeze(model, 'block_99_expand')).toThrow(CxrError);
    expect(() => freeze(model, 154)).toThrow(/out of range/);
    model.dispose();
  });

  it('frozen BatchNormalization runs in inference mode while training (Keras semantics), unfrozen uses batch statistics', () => {
    const input = tfl.input({ shape: [4] });
    const bnLayer = tfl.layers.batchNormalization({ name: 'bn', momentum: 0.5 });
    const model = tfl.model({ inputs: input, outputs: bnLayer.apply(input) as tfl.SymbolicTensor });
    const x = tf.tensor2d([
      [1, 2, 3, 4],
      [5, 6, 7, 9],
    ]);
    const inference = (model.predict(x) as tf.Tensor).dataSync();
    expect(freeze(model, 'bn')).toBe(1);
    const frozen = (model.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(maxAbsDiff(frozen, inference)).toBe(0);
    expect(Array.from(bnLayer.getWeights()[2]?.dataSync() ?? [])).toEqual([0, 0, 0, 0]); // moving mean untouched
    unfreeze(model, 'bn');
    const training = (model.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(maxAbsDiff(training, inference)).toBeGreaterThan(0.1);
    expect(bnLayer.getWeights()[2]?.dataSync()[0]).toBeCloseTo(1.5, 5);
    x.dispose();
    model.dispose();
  });
});
