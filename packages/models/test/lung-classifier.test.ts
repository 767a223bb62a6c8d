import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { lungClassifier, summarize, summary } from '@cxr/models';
import { CxrError } from '@cxr/core';
import { fixture, useCpu } from './helpers.js';

beforeAll(useCpu);

interface Golden {
  name: string;
  rows: Array<[string, string, string, number]>;
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

describe('lungClassifier', () => {
  it('is the article’s Keras LungClassifier: 82,923 params, Keras layer names and output shapes (golden table)', () => {
    const golden = fixture<Golden>('lung_classifier_summary.json');
    const model = lungClassifier();
    expect(model.countParams()).toBe(82_923);
    const s = summarize(model);
    expect(s.name).toBe(golden.name);
    expect(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params])).toEqual(golden.rows);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([
      golden.totalParams,
      golden.trainableParams,
      golden.nonTrainableParams,
    ]);
    const text = summary(model);
    expect(text.split('\n')[0]).toBe('Model: "LungClassifier"');
    expect(text).toMatch(/^ 1stConvLayer \(Conv2D\)\s+\(None, 508, 508, 4\)\s+104$/m);
    expect(text).toMatch(/^ 1stPoolLayer \(MaxPooling2D\)\s+\(None, 169, 169, 4\)\s+0$/m);
    expect(text).toMatch(/^ Flatten \(Flatten\)\s+\(None, 27556\)\s+0$/m);
    expect(text).toMatch(/^ FinalClassifier \(Dense\)\s+\(None, 3\)\s+82,671$/m);
    expect(text).toContain('Total params: 82,923');
    expect(text).toContain('Trainable params: 82,923');
    expect(text).toContain('Non-trainable params: 0');
    const lines = text.split('\n');
    const col = (lines[2] as string).indexOf('Output Shape');
    expect(lines.filter((l) => l.includes('(None')).every((l) => l[col] === '(')).toBe(true);
    model.dispose();
  });

  it('uses Keras default init (Glorot uniform kernels within ±√(6/(fanIn+fanOut)), zero biases), seeded', () => {
    const a = lungClassifier({ inputShape: [32, 32, 1], seed: 3 });
    const b = lungClassifier({ inputShape: [32, 32, 1], seed: 3 });
    const c = lungClassifier({ inputShape: [32, 32, 1], seed: 4 });
    const wa = a.getWeights().map((w) => w.dataSync());
    const wb = b.getWeights().map((w) => w.dataSync());
    const wc = c.getWeights().map((w) => w.dataSync());
    expect(wa).toEqual(wb);
    expect(wa[0]).not.toEqual(wc[0]);
    // kernels [5,5,1,4], [3,3,4,4], [36,3] (32 → 28 → 9 → 7 → 3: 3·3·4 = 36 features)
    const limits = [Math.sqrt(6 / (25 * 1 + 25 * 4)), Math.sqrt(6 / (9 * 4 + 9 * 4)), Math.sqrt(6 / (36 + 3))];
    for (const [k, limit] of limits.entries()) {
      const kernel = wa[2 * k] as Float32Array;
      const bias = wa[2 * k + 1] as Float32Array;
      expect(Math.max(...kernel.map(Math.abs))).toBeLessThanOrEqual(limit);
      expect(Math.max(...kernel.map(Math.abs))).toBeGreaterThan(limit * 0.5);
      expect(Array.from(bias).every((v) => v === 0)).toBe(true);
    }
    expect(a.getLayer('FinalClassifier').getWeights()[0]?.shape).toEqual([36, 3]);
    for (const m of [a, b, c]) m.dispose();
  });

  it('outputs softmax probabilities for any numClasses and leaks nothing', () => {
    const model = lungClassifier({ inputShape: [20, 24, 1], numClasses: 4, seed: 1 });
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([2, 20, 24, 1], 0, 1, 'float32', 2);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 4]);
    const sums = tf.sum(y, 1);
    for (const s of sums.dataSync()) expect(s).toBeCloseTo(1, 5);
    tf.dispose([x, y, sums]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects bad options with E_BAD_ARGUMENT', () => {
    for (const bad of [{ inputShape: [15, 512, 1] as [number, number, number] }, { numClasses: 1 }, { inputShape: [32, 32] as never }]) {
      let error: unknown;
      try {
        lungClassifier(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CxrError);
      expect((error as CxrError).code).toBe('E_BAD_ARGUMENT');
    }
    lungClassifier({ inputShape: [16, 16, 1] }).dispose();
  });
});
