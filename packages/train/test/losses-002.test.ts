import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  computeClassWeights,
  costMatrixLoss,
  expectedCost,
  fit,
  focalLoss,
  resolveLoss,
} from '../src/index.js';
import { useBackend } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const y = () => tf.tensor2d([[0, 1, 0]]);
const p = () => tf.tensor2d([[0.2, 0.7, 0.1]]);
const val = (t: tf.Tensor): number => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe('label smoothing (Keras)', () => {
  it('y·(1−ε) + ε/K: ε 0.1, K 3 → −(1/30·ln .2 + 28/30·ln .7 + 1/30·ln .1) = 0.4632974', () => {
    expect(val(categoricalCrossentropy(y(), p(), { labelSmoothing: 0.1 }))).toBeCloseTo(0.46329738, 6);
    expect(val(categoricalCrossentropy(y(), p(), { labelSmoothing: 0 }))).toBeCloseTo(-Math.log(0.7), 6);
    const fn = resolveLoss('categoricalCrossentropy', { labelSmoothing: 0.1 });
    expect(val(fn(tf.tensor1d([1], 'int32'), p()))).toBeCloseTo(0.46329738, 6);
    expect(() => categoricalCrossentropy(y(), p(), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing/);
  });
});

describe('focal loss', () => {
  it('categorical: α·(1−p)^γ·(−ln p) = 0.25·0.3²·(−ln 0.7) = 0.0080252', () => {
    expect(val(categoricalFocalCrossentropy(y(), p()))).toBeCloseTo(0.00802519, 7);
    // γ = 0, α = 1 is plain cross-entropy.
    expect(val(categoricalFocalCrossentropy(y(), p(), { gamma: 0, alpha: 1 }))).toBeCloseTo(-Math.log(0.7), 6);
  });
  it('binary on logits (tfa SigmoidFocalCrossEntropy): x 0 y 1 → 0.25·0.5²·ln 2; x 2 y 0 → 0.75·σ(2)²·softplus(2)', () => {
    const l = binaryFocalCrossentropy(tf.tensor2d([[1], [0]]), tf.tensor2d([[0], [2]]), { reduction: 'none' });
    const v = Array.from(l.dataSync());
    l.dispose();
    expect(v[0]).toBeCloseTo(0.0433217, 6);
    expect(v[1]).toBeCloseTo(1.2375586, 5);
    const fn = focalLoss();
    expect(val(fn(tf.tensor1d([1, 0], 'int32'), tf.tensor2d([[0], [2]])))).toBeCloseTo((0.0433217 + 1.2375586) / 2, 5);
    expect(() => focalLoss({ gamma: -1 })).toThrow(/gamma/);
  });
});

describe('cost matrix', () => {
  const C = [
    [0, 5, 1],
    [1, 0, 1],
    [1, 2, 0],
  ];
  it('expected cost Σ_j C[y, j]·p_j, asymmetric', () => {
    expect(val(expectedCost(tf.tensor2d([[1, 0, 0]]), p(), C))).toBeCloseTo(5 * 0.7 + 0.1, 6);
    expect(val(expectedCost(tf.tensor2d([[0, 0, 1]]), p(), C))).toBeCloseTo(0.2 + 2 * 0.7, 6);
    const fn = costMatrixLoss(C, { crossentropyWeight: 1 });
    expect(val(fn(tf.tensor1d([0], 'int32'), p()))).toBeCloseTo(3.6 - Math.log(0.2), 5);
    expect(() => costMatrixLoss([[0, 1]])).toThrow();
    expect(() => costMatrixLoss([[0, 1], [1, 0]])(tf.tensor1d([0], 'int32'), p())).toThrow(/3 classes/);
  });
});

describe('class weights', () => {
  it("'balanced' = n / (k·count), 'maxOverCount' = max / count, explicit with defaults 1", () => {
    expect(computeClassWeights('balanced', [3, 1])).toEqual([4 / 6, 2]);
    expect(computeClassWeights('maxOverCount', [1266, 3418, 460])).toEqual([3418 / 1266, 1, 3418 / 460]);
    expect(computeClassWeights({ 1: 2 }, [0, 0, 0])).toEqual([1, 2, 1]);
    expect(() => computeClassWeights({ 3: 2 }, [0, 0, 0])).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
  });

  function setup() {
    const model = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [2, 2, 1] }),
        tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      ],
    });
    const images = tf.tensor4d([1, 2, 3, 4, 0, 1, 0, 1, -1, 2, 0.5, 1, 3, 0, 1, 1], [4, 2, 2, 1]);
    const labels = [0, 0, 0, 1];
    // Every pass yields fresh tensors (the loops dispose each batch; classWeight makes a first pass).
    const data = () => ({
      *[Symbol.iterator]() {
        yield { images: images.clone() as tf.Tensor4D, labels: tf.tensor1d(labels, 'int32') as tf.Tensor1D };
      },
    });
    return { model, images, labels, data };
  }

  it("fit: training loss = mean over the batch of wᵢ·ℓᵢ (Keras class_weight), 'balanced' from a first pass; leak-free", async () => {
    const { model, images, labels, data } = setup();
    const probs = model.predict(images) as tf.Tensor;
    const pv = await probs.array() as number[][];
    probs.dispose();
    const ce = labels.map((c, i) => -Math.log(pv[i]![c]!));
    const w = [4 / 6, 2];
    const expected = ce.reduce((s, l, i) => s + w[labels[i]!]! * l, 0) / 4;
    const before = tf.memory().numTensors;
    const history = await fit(model, data(), {
      epochs: 1, loss: 'categoricalCrossentropy', optimizer: 'sgd', learningRate: 1e-9, classWeight: 'balanced', seed: 1, metrics: ['accuracy'],
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.history['loss']![0]).toBeCloseTo(expected, 5);
    await expect(
      fit(model, data(), { epochs: 1, loss: 'categoricalCrossentropy', classWeight: { 2: 1 }, seed: 1 }),
    ).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    images.dispose();
    model.dispose();
  });
});
