import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@cxr/core';
import {
  evaluate,
  fineTune,
  fit,
  getLearningRate,
  lrFind,
  lrFinderSpec,
  lrSuggestions,
  minimum,
  oneCycle,
  oneCycleAt,
  steep,
  valley,
  type BatchLike,
  type Callback,
} from '@cxr/train';
import { useBackend } from './helpers.js';

beforeAll(() => useBackend('cpu'));

const SIDE = 4;
/** Bright (1) vs dark (0) 4×4×1 images, fresh tensors every pass. */
function toy(n: number, batchSize: number, seed = 1): AsyncIterable<BatchLike> & { size: number } {
  const rng = createRng(seed);
  const px = Array.from({ length: n }, (_, i) => Float32Array.from({ length: SIDE * SIDE }, () => (i % 2 ? rng.uniform(0.5, 1) : rng.uniform(0, 0.5))));
  const make = (): BatchLike[] => {
    const out: BatchLike[] = [];
    for (let s = 0; s < n; s += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, k) => s + k);
      const data = new Float32Array(idx.length * SIDE * SIDE);
      idx.forEach((i, k) => data.set(px[i] as Float32Array, k * SIDE * SIDE));
      out.push({ images: tf.tensor4d(data, [idx.length, SIDE, SIDE, 1]), labels: tf.tensor1d(idx.map((i) => i % 2), 'int32') });
    }
    return out;
  };
  // Re-iterable with a known size (batchesPerEpoch), fresh tensors each pass.
  return {
    size: Math.ceil(n / batchSize),
    async *[Symbol.asyncIterator]() {
      yield* make();
    },
  };
}

function model(units = 1): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [SIDE, SIDE, 1] }),
      tfl.layers.dense({ units: 8, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.dense({ units, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }), ...(units > 1 ? { activation: 'softmax' } : {}) }),
    ],
  });
}

const fastaiCos = (s: number, e: number, p: number) => s + ((1 + Math.cos(Math.PI * (1 - p))) * (e - s)) / 2;

describe('lrFind', () => {
  it('sweeps exponentially, smooths like AvgSmoothLoss, restores weights and optimizer state bit for bit', async () => {
    const m = model();
    const opt = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    await fit(m, toy(16, 4), { epochs: 1, optimizer: opt, seed: 1 }); // give Adam some state
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    const optBefore = await Promise.all((await opt.getWeights()).map(async (w) => Array.from(await w.tensor.data())));
    const itBefore = opt.iterations;
    const r = await lrFind(m, toy(16, 4), { numIt: 30, optimizer: opt, seed: 3, stopDiv: false });
    expect(r.lrs).toHaveLength(30);
    r.lrs.forEach((lr, k) => expect(lr).toBeCloseTo(1e-7 * (10 / 1e-7) ** (k / 30), 12));
    let avg = 0;
    r.rawLosses.forEach((l, k) => {
      avg = 0.98 * avg + 0.02 * l;
      expect(r.losses[k]).toBeCloseTo(avg / (1 - 0.98 ** (k + 1)), 10);
    });
    expect(m.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    const optAfter = await Promise.all((await opt.getWeights()).map(async (w) => Array.from(await w.tensor.data())));
    expect(optAfter).toEqual(optBefore);
    expect(opt.iterations).toBe(itBefore);
    expect(getLearningRate(opt)).toBe(0.01);
    m.dispose();
    opt.dispose();
  });

  it('stops on divergence (smoothed loss > 4× best) and suggests lrs', async () => {
    const m = model();
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    const r = await lrFind(m, toy(16, 4), { numIt: 100, endLr: 1e6, optimizer: 'sgd', seed: 1 });
    expect(r.lrs.length).toBeLessThan(100);
    expect(['divergence', 'nonFinite']).toContain(r.stoppedBy);
    if (r.stoppedBy === 'divergence') expect(r.losses.at(-1)).toBeGreaterThan(4 * Math.min(...r.losses));
    expect(m.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(r.suggestions.valley).not.toBeNull();
    const spec = lrFinderSpec(r) as { layer: Array<{ data: { values: unknown[] } }> };
    expect(spec.layer[0]?.data.values).toHaveLength(Math.max(0, r.lrs.length - 5));
    expect(spec.layer[1]?.data.values.length).toBe(3);
    m.dispose();
  });

  it('suggestions are fastai 2.x valley / minimum / steep (hand-checked)', () => {
    const lrs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => 10 ** (i - 6));
    const losses = [1.0, 0.9, 0.95, 0.8, 0.7, 0.5, 0.45, 0.6, 1.0, 2.0];
    // lds: [1,2,2,3,4,5,6,4,2,1]; max_end = 6, max_start = 6 − 6 = 0; sections = 2; idx = 0 + 2 + 1 = 3
    expect(valley(lrs, losses)?.lr).toBe(lrs[3]);
    expect(minimum(lrs, losses)).toEqual({ lr: (lrs[6] as number) / 10, point: { lr: lrs[6], loss: 0.45 } });
    // forward diffs over log lr (all spacings equal): steepest is 0.7 → 0.5 at index 4
    expect(steep(lrs, losses)?.lr).toBe(lrs[4]);
    // lr_find slices [numIt//10 : -5]
    const s = lrSuggestions(lrs, losses, 20);
    expect(s.minimum?.point.lr).toBe(lrs[4]); // slice [2:5] = 0.95, 0.8, 0.7
    expect(lrSuggestions([1, 2], [1, 2], 100).valley).toBeNull();
  });
});

describe('oneCycle', () => {
  it('matches fastai combined_cos for lr and mom at several steps', () => {
    const N = 40;
    for (const step of [0, 5, 9, 10, 11, 25, 39]) {
      const pos = step / N;
      const lr = pos < 0.25 ? fastaiCos(0.01 / 25, 0.01, pos / 0.25) : fastaiCos(0.01, 0.01 / 1e5, (pos - 0.25) / 0.75);
      const mom = pos < 0.25 ? fastaiCos(0.95, 0.85, pos / 0.25) : fastaiCos(0.85, 0.95, (pos - 0.25) / 0.75);
      const v = oneCycleAt(step, N, { maxLr: 0.01 });
      expect(v.lr).toBeCloseTo(lr, 15);
      expect(v.mom).toBeCloseTo(mom, 15);
    }
    expect(oneCycleAt(0, N, { maxLr: 0.01 }).lr).toBeCloseTo(0.0004, 15);
    expect(oneCycleAt(10, N, { maxLr: 0.01 })).toEqual({ lr: 0.01, mom: 0.85 });
  });

  it('fit trains with the scheduled lr and β1 each step, logs lr per epoch', async () => {
    const m = model();
    const oc = oneCycle({ maxLr: 0.05 });
    const seen: Array<{ lr: number; beta1: number }> = [];
    const probe: Callback = {
      onBatchEnd: (_b, _l, ctx) => void seen.push({ lr: getLearningRate(ctx.optimizer), beta1: (ctx.optimizer as unknown as { beta1: number }).beta1 }),
    };
    const h = await fit(m, toy(16, 4), { epochs: 3, seed: 1, callbacks: [oc, probe] });
    expect(oc.totalSteps).toBe(12);
    expect(seen).toHaveLength(12);
    seen.forEach((s, k) => {
      const v = oneCycleAt(k, 12, { maxLr: 0.05 });
      expect(s.lr).toBe(v.lr);
      expect(s.beta1).toBe(v.mom);
    });
    expect(h.history['lr']).toEqual([3, 7, 11].map((k) => oneCycleAt(k, 12, { maxLr: 0.05 }).lr));
    m.dispose();
  });

  it('tfjs Adam with a cycled β1 matches fastai/PyTorch Adam (bias correction 1 − β1ᵗ)', async () => {
    const v = tf.variable(tf.tensor1d([1, -2]));
    const opt = tf.train.adam(0.1, 0.9, 0.999, 1e-8);
    const { setAdamBeta1 } = await import('@cxr/train');
    const grads = [[0.5, -1], [0.2, 0.3], [-0.4, 0.1]];
    const betas = [0.95, 0.9, 0.85];
    let p = [1, -2];
    let mm = [0, 0];
    let vv = [0, 0];
    grads.forEach((g, i) => {
      const b1 = betas[i] as number;
      setAdamBeta1(opt, b1);
      const grad = tf.tensor1d(g);
      opt.applyGradients({ [v.name]: grad } as unknown as Parameters<typeof opt.applyGradients>[0]);
      grad.dispose();
      const t = i + 1;
      mm = mm.map((x, j) => b1 * x + (1 - b1) * (g[j] as number));
      vv = vv.map((x, j) => 0.999 * x + 0.001 * (g[j] as number) ** 2);
      p = p.map((x, j) => x - (0.1 * ((mm[j] as number) / (1 - b1 ** t))) / (Math.sqrt((vv[j] as number) / (1 - 0.999 ** t)) + 1e-8));
    });
    const got = Array.from(v.dataSync());
    got.forEach((x, j) => expect(x).toBeCloseTo(p[j] as number, 5));
    opt.dispose();
    v.dispose();
  });
});

describe('fineTune', () => {
  it('freezes, one-cycles the head at baseLr (pct 0.99), unfreezes, one-cycles all at baseLr/2 (div 5)', async () => {
    const m = model();
    const trainable: number[] = [];
    const probe: Callback = { onTrainBegin: (ctx) => void trainable.push(ctx.model.trainableWeights.length) };
    const r = await fineTune(m, toy(16, 4), { epochs: 2, freezeEpochs: 1, seed: 1, callbacks: [probe] });
    expect(trainable).toEqual([2, 4]);
    expect(r.lrs).toEqual([2e-3, 1e-3]);
    expect(r.frozen?.epoch).toEqual([0]);
    expect(r.unfrozen.epoch).toEqual([0, 1]);
    expect(r.schedules.frozen?.lrs[0]).toBeCloseTo(2e-3 / 25, 15);
    expect(r.schedules.unfrozen.lrs[0]).toBeCloseTo(1e-3 / 5, 15);
    expect(r.schedules.unfrozen.lrs).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => oneCycleAt(k, 8, { maxLr: 1e-3, pctStart: 0.3, divFactor: 5 }).lr));
    expect(r.schedules.frozen?.lrs).toEqual([0, 1, 2, 3].map((k) => oneCycleAt(k, 4, { maxLr: 2e-3, pctStart: 0.99 }).lr));
    m.dispose();
  });
});

describe('precision / recall', () => {
  it('streams class-1 precision and recall over the epoch (binary logit and 2-class softmax)', async () => {
    const batches = (): BatchLike[] => [
      { images: tf.zeros([3, SIDE, SIDE, 1]) as tf.Tensor4D, labels: tf.tensor1d([1, 1, 0], 'int32') },
      { images: tf.zeros([3, SIDE, SIDE, 1]) as tf.Tensor4D, labels: tf.tensor1d([1, 0, 0], 'int32') },
    ];
    // A model that always predicts positive: tp 3, fp 3, fn 0 → precision 0.5, recall 1.
    const pos = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [SIDE, SIDE, 1] }), tfl.layers.dense({ units: 1, kernelInitializer: 'zeros', biasInitializer: tfl.initializers.constant({ value: 5 }) })] });
    const r = await evaluate(pos, batches(), { metrics: ['precision', 'recall'] });
    expect(r.precision).toBeCloseTo(0.5, 12);
    expect(r.recall).toBe(1);
    const h = await fit(pos, { [Symbol.iterator]: () => batches()[Symbol.iterator]() }, {
      epochs: 1, learningRate: 1e-9, metrics: ['precision', 'recall'], validationData: batches(), seed: 1,
    });
    expect(h.history['precision']).toEqual([0.5]);
    expect(h.history['recall']).toEqual([1]);
    expect(h.history['val_precision']?.[0]).toBeCloseTo(0.5, 6);
    expect(h.history['val_recall']).toEqual([1]);
    pos.dispose();
    // 2-class softmax predicting class 1 for nothing: precision 0 (zero division), recall 0
    const soft = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [SIDE, SIDE, 1] }), tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: 'zeros', biasInitializer: tfl.initializers.constant({ value: 0 }) })] });
    soft.layers[1]?.setWeights([tf.zeros([SIDE * SIDE, 2]), tf.tensor1d([3, 0])]);
    const s = await evaluate(soft, batches(), { loss: 'categoricalCrossentropy', metrics: ['precision', 'recall'] });
    expect(s.precision).toBe(0);
    expect(s.recall).toBe(0);
    soft.dispose();
  });
});

describe('lrFind and fineTune leave no tensors behind', () => {
  it('with optimizers they create themselves', async () => {
    const m = model(2);
    // One warm-up call so lazily created kernels' constants are not counted.
    await lrFind(m, toy(16, 4), { numIt: 8, loss: 'categoricalCrossentropy', seed: 1, stopDiv: false });
    const before = tf.memory().numTensors;
    for (let run = 0; run < 3; run++) {
      await lrFind(m, toy(16, 4), { numIt: 8, loss: 'categoricalCrossentropy', seed: run, stopDiv: false });
      await fineTune(m, toy(16, 4), { epochs: 1, freezeEpochs: 1, loss: 'categoricalCrossentropy', seed: run });
    }
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
