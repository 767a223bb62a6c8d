import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { lungClassifier } from '@cxr/models';
import { categoricalCrossentropy, evaluate, fit, predict, resolveLoss, StreamingAuc, type BatchLike } from '@cxr/train';
import { CxrError, createRng } from '@cxr/core';
import { useBackend } from './helpers.js';

beforeAll(() => useBackend('cpu'));

const SIDE = 16;

/** Three classes of grayscale images by brightness band; fresh tensors every pass. */
function threeClass(n: number, batchSize: number, seed: number, oneHot = false, label = (i: number) => i % 3): Iterable<BatchLike> {
  const rng = createRng(seed);
  const pixels = Array.from({ length: n }, (_, i) => Float32Array.from({ length: SIDE * SIDE }, () => rng.uniform(label(i) % 3 / 3, (label(i) % 3 + 1) / 3)));
  return {
    *[Symbol.iterator]() {
      for (let s = 0; s < n; s += batchSize) {
        const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, k) => s + k);
        const data = new Float32Array(idx.length * SIDE * SIDE);
        idx.forEach((i, k) => data.set(pixels[i] as Float32Array, k * SIDE * SIDE));
        const labels = idx.map(label);
        yield {
          images: tf.tensor4d(data, [idx.length, SIDE, SIDE, 1]),
          labels: oneHot ? tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 3) as tf.Tensor2D) : tf.tensor1d(labels, 'int32'),
        };
      }
    },
  };
}

/** Exact ROC AUC (Mann–Whitney, ties ½) of flattened targets/scores. */
function exactAuc(y: number[], p: number[]): number {
  let num = 0;
  let pairs = 0;
  y.forEach((yi, i) => {
    if (yi !== 1) return;
    y.forEach((yj, j) => {
      if (yj !== 0) return;
      pairs++;
      num += (p[i] as number) > (p[j] as number) ? 1 : p[i] === p[j] ? 0.5 : 0;
    });
  });
  return num / pairs;
}

describe('categoricalCrossentropy', () => {
  it('is Keras CategoricalCrossentropy: normalised, clipped to [1e-7, 1−1e-7], mean over the batch; fromLogits = −Σ y·logSoftmax', () => {
    const before = tf.memory().numTensors;
    const y = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
    const p = tf.tensor2d([[0.7, 0.2, 0.1], [0.5, 0, 0.5]]);
    const l = categoricalCrossentropy(y, p, { reduction: 'none' });
    const [a, b] = Array.from(l.dataSync());
    expect(a).toBeCloseTo(-Math.log(0.7), 6);
    expect(b).toBeCloseTo(-Math.log(1e-7), 4); // clipped, not Infinity
    const mean = categoricalCrossentropy(y, p);
    expect(mean.dataSync()[0]).toBeCloseTo((-Math.log(0.7) - Math.log(1e-7)) / 2, 4);
    const logits = tf.tensor2d([[2, -1, 0.5], [0.1, 0.2, 0.3]]);
    const fromLogits = categoricalCrossentropy(y, logits, { fromLogits: true, reduction: 'none' });
    const softmax = tf.softmax(logits);
    const viaProbs = categoricalCrossentropy(y, softmax, { reduction: 'none' });
    const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    expect(fromLogits.dataSync()[0]).toBeCloseTo(lse([2, -1, 0.5]) - 2, 6);
    expect(Math.abs((viaProbs.dataSync()[1] as number) - (fromLogits.dataSync()[1] as number))).toBeLessThan(1e-6);
    // Int labels are one-hot encoded by the resolved loss; one-hot labels are taken as given.
    const fn = resolveLoss('categoricalCrossentropy');
    const ints = tf.tensor1d([0, 1], 'int32');
    const fromInts = fn(ints, p);
    expect(fromInts.dataSync()[0]).toBeCloseTo(mean.dataSync()[0] as number, 6);
    tf.dispose([y, p, l, mean, logits, softmax, fromLogits, viaProbs, fromInts, ints]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('StreamingAuc (tf.keras.metrics.AUC definition)', () => {
  it('gives the Keras documentation example: num_thresholds=3, [0,0,1,1] vs [0,.5,.3,.9] → 0.75', () => {
    const auc = new StreamingAuc(3);
    const counts = tf.tidy(() => auc.batchCounts(tf.tensor1d([0, 0, 1, 1]), tf.tensor1d([0, 0.5, 0.3, 0.9])));
    const c = Array.from(counts.dataSync());
    // tp = [2, 1, 0], fp = [2, 0, 0], tn = [0, 2, 2], fn = [0, 1, 2] as in the Keras docstring.
    expect(c).toEqual([2, 1, 0, 2, 0, 0, 0, 2, 2, 0, 1, 2]);
    auc.add(c);
    expect(auc.result()).toBeCloseTo(0.75, 7);
    counts.dispose();
  });

  it('equals the exact ROC AUC when scores lie on a grid coarser than the thresholds, and streams over batches', () => {
    const rng = createRng(11);
    const y: number[] = [];
    const p: number[] = [];
    for (let i = 0; i < 300; i++) {
      const label = i % 3 === 0 ? 1 : 0;
      y.push(label);
      p.push(Math.round(Math.min(1, Math.max(0, rng.uniform(0, 0.8) + label * 0.2)) * 20) / 20); // ties on purpose
    }
    const whole = new StreamingAuc();
    const streamed = new StreamingAuc();
    const before = tf.memory().numTensors;
    const all = tf.tidy(() => whole.batchCounts(tf.tensor1d(y), tf.tensor1d(p)));
    whole.add(all.dataSync());
    all.dispose();
    for (let s = 0; s < 300; s += 32) {
      const c = tf.tidy(() => streamed.batchCounts(tf.tensor1d(y.slice(s, s + 32)), tf.tensor1d(p.slice(s, s + 32))));
      streamed.add(c.dataSync());
      c.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(whole.result()).toBeCloseTo(exactAuc(y, p), 6);
    expect(streamed.result()).toBe(whole.result());
  });
});

describe('multi-class training (lungClassifier, categorical cross-entropy)', () => {
  it('fits with int and one-hot labels, logs accuracy/auc/val_auc, evaluate and predict agree, augment is seeded, no leaks', async () => {
    const train = threeClass(24, 8, 1);
    const val = threeClass(12, 6, 2, true);
    const model = lungClassifier({ inputShape: [SIDE, SIDE, 1], seed: 3 });
    const seeds: number[] = [];
    const before = tf.memory().numTensors;
    const history = await fit(model, train, {
      epochs: 6,
      loss: 'categoricalCrossentropy',
      learningRate: 0.01,
      metrics: ['accuracy', 'categoricalAccuracy', 'auc'],
      validationData: val,
      seed: 7,
      augment: (images, seed) => {
        seeds.push(seed);
        return tf.tidy(() => tf.mul(images, 1)); // a new tensor, disposed by fit
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(history.history).sort()).toEqual(
      ['accuracy', 'auc', 'categorical_accuracy', 'loss', 'val_accuracy', 'val_auc', 'val_categorical_accuracy', 'val_loss'].sort(),
    );
    expect(history.history.auc?.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(history.history['val_auc']?.at(-1)).toBeGreaterThan(0.7);
    expect(seeds).toHaveLength(18);
    expect(new Set(seeds).size).toBe(18);

    const ev = await evaluate(model, threeClass(12, 6, 2, true), { loss: 'categoricalCrossentropy' });
    expect(ev.loss).toBeCloseTo(history.history['val_loss']?.at(-1) as number, 5);
    expect(ev.accuracy).toBe(history.history['val_accuracy']?.at(-1));
    expect(ev.auc).toBeCloseTo(history.history['val_auc']?.at(-1) as number, 10);
    const pr = await predict(model, threeClass(12, 6, 2));
    expect(pr.probabilities).toHaveLength(12);
    for (const row of pr.probabilities ?? []) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(pr.labels).toEqual(Array.from({ length: 12 }, (_, i) => i % 3));
    expect(pr.predictions.filter((c, i) => c === pr.labels[i]).length / 12).toBe(ev.accuracy);
    expect(tf.memory().numTensors).toBe(before);

    // The same seed gives the same augment seeds (run seed + epoch + step).
    const again: number[] = [];
    const m2 = lungClassifier({ inputShape: [SIDE, SIDE, 1], seed: 3 });
    await fit(m2, train, { epochs: 6, loss: 'categoricalCrossentropy', seed: 7, augment: (x, s) => (again.push(s), x) });
    expect(again).toEqual(seeds);
    model.dispose();
    m2.dispose();
  });

  it('E_NOT_FINITE for a NaN categorical loss (naming epoch and batch); E_UNKNOWN_CLASS for a label the model lacks', async () => {
    const model = lungClassifier({ inputShape: [SIDE, SIDE, 1], seed: 1 });
    const before = tf.memory().numTensors;
    const nan: Iterable<BatchLike> = {
      *[Symbol.iterator]() {
        yield { images: tf.zeros([2, SIDE, SIDE, 1]) as tf.Tensor4D, labels: tf.tensor1d([0, 1], 'int32') };
        yield { images: tf.fill([2, SIDE, SIDE, 1], Number.NaN) as tf.Tensor4D, labels: tf.tensor1d([0, 1], 'int32') };
      },
    };
    const error = await fit(model, nan, { epochs: 1, loss: 'categoricalCrossentropy', seed: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxrError);
    expect((error as CxrError).code).toBe('E_NOT_FINITE');
    expect((error as CxrError).message).toMatch(/epoch 0, batch 1/);
    const unknown = await fit(model, threeClass(6, 6, 1, false, (i) => (i === 4 ? 3 : i % 3)), { epochs: 1, loss: 'categoricalCrossentropy', seed: 1 }).catch((e: unknown) => e);
    expect((unknown as CxrError).code).toBe('E_UNKNOWN_CLASS');
    const unknownEval = await evaluate(model, threeClass(6, 6, 1, false, (i) => (i === 4 ? -1 : i % 3)), { loss: 'categoricalCrossentropy' }).catch((e: unknown) => e);
    expect((unknownEval as CxrError).code).toBe('E_UNKNOWN_CLASS');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('images that do not fit the model input', () => {
  const batches = (shape: [number, number, number, number]): BatchLike[] => [
    { images: tf.zeros(shape) as tf.Tensor4D, labels: tf.tensor1d([0, 1], 'int32') },
  ];

  it('grayscale images into an RGB model: a coded error that says how to convert', async () => {
    const model = lungClassifier({ inputShape: [20, 20, 3], numClasses: 3, seed: 1 });
    const before = tf.memory().numTensors;
    for (const run of [
      () => fit(model, batches([2, 20, 20, 1]), { epochs: 1, loss: 'categoricalCrossentropy' }),
      () => predict(model, batches([2, 20, 20, 1])),
      () => evaluate(model, batches([2, 20, 20, 1]), { loss: 'categoricalCrossentropy' }),
    ]) {
      await expect(run()).rejects.toMatchObject({ code: 'E_SHAPE_MISMATCH', message: expect.stringContaining('toChannels') });
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('images of another size: a coded error that says to resize', async () => {
    const model = lungClassifier({ inputShape: [20, 20, 1], numClasses: 3, seed: 1 });
    await expect(predict(model, batches([2, 24, 20, 1]))).rejects.toMatchObject({
      code: 'E_SHAPE_MISMATCH',
      message: expect.stringContaining('[20, 20, 1] but the batch has [24, 20, 1]'),
    });
    model.dispose();
  });
});
