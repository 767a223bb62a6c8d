import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { covidCnn } from '@cxr/models';
import { isCxrError } from '@cxr/core';
import { fixture, maxAbsDiff, useCpu } from './helpers.js';

interface ForwardFixture {
  paramCount: number;
  params: Array<{ name: string; shape: number[] }>;
  cases: Array<{ inputShape: [number, number, number, number]; logits: number[] }>;
}

beforeAll(useCpu);

const weightsOf = (model: tfl.LayersModel): Float32Array[] =>
  model.getWeights().map((w) => w.dataSync() as Float32Array);

describe('covidCnn', () => {
  it('has exactly 126,145 parameters, like the article (and torch)', () => {
    const model = covidCnn({ seed: 1 });
    expect(model.countParams()).toBe(126_145);
    expect(fixture<ForwardFixture>('covid_cnn_forward.json').paramCount).toBe(126_145);
    expect(model.outputs[0]?.shape).toEqual([null, 1]);
    model.dispose();
  });

  it('keeps the parameter count at any input size (adaptive pooling)', () => {
    for (const side of [10, 16, 64]) {
      const model = covidCnn({ inputShape: [side, side + 3, 3] });
      expect(model.countParams()).toBe(126_145);
      model.dispose();
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const [a, b, c] = [covidCnn({ inputShape: [16, 16, 3], seed: 7 }), covidCnn({ inputShape: [16, 16, 3], seed: 7 }), covidCnn({ inputShape: [16, 16, 3], seed: 8 })];
    const [wa, wb, wc] = [weightsOf(a), weightsOf(b), weightsOf(c)];
    wa.forEach((w, i) => expect(w).toEqual(wb[i]));
    expect(maxAbsDiff(wa[0] as Float32Array, wc[0] as Float32Array)).toBeGreaterThan(0);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('initialises like PyTorch: weights and biases ~ U(±1/√fanIn)', () => {
    const model = covidCnn({ inputShape: [16, 16, 3], seed: 3 });
    const fanIns: Record<string, number> = { 'features.0': 27, 'features.2': 288, 'features.6': 576, 'classifier.0': 512, 'classifier.3': 64 };
    for (const [name, fanIn] of Object.entries(fanIns)) {
      const bound = 1 / Math.sqrt(fanIn);
      for (const w of model.getLayer(name).getWeights()) {
        const v = w.dataSync() as Float32Array;
        const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        expect(max).toBeLessThanOrEqual(bound + 1e-7);
        // Uniform, not tiny: the largest draw of ≥ 32 values gets near the bound.
        if (v.length >= 32) expect(max).toBeGreaterThan(0.8 * bound);
      }
    }
    model.dispose();
  });

  it('reproduces PyTorch CovidXRayDetection logits (eval mode) with the same weights', () => {
    const golden = fixture<ForwardFixture>('covid_cnn_forward.json');
    for (const c of golden.cases) {
      const [n, h, w] = c.inputShape;
      const model = covidCnn({ inputShape: [h, w, 3] });
      // Weights as the golden script defines them, in PyTorch layout, then moved to tfjs layout.
      const tensors = golden.params.map(({ shape }, k) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const amp = shape.length > 1 ? 1.5 / Math.sqrt(size / (shape[0] as number)) : 0.1;
        return Float32Array.from({ length: size }, (_, i) => amp * Math.sin(0.1 * i + k));
      });
      const converted = tf.tidy(() =>
        golden.params.map(({ name, shape }, k) => {
          const t = tf.tensor(tensors[k] as Float32Array, shape);
          if (shape.length === 4) return tf.transpose(t, [2, 3, 1, 0]); // [co,ci,kh,kw] → [kh,kw,ci,co]
          if (name === 'classifier.0.weight') {
            // torch.flatten of NCHW orders features (c,h,w); tfjs Flatten of NHWC orders (h,w,c).
            return tf.reshape(tf.transpose(tf.reshape(t, [64, 128, 2, 2]), [2, 3, 1, 0]), [512, 64]);
          }
          return shape.length === 2 ? tf.transpose(t) : t; // Linear [out,in] → Dense [in,out]
        }),
      );
      model.setWeights(converted);
      tf.dispose(converted);
      const x = tf.tensor4d(
        Float32Array.from({ length: n * h * w * 3 }, (_, j) => 0.5 + 0.5 * Math.sin(0.37 * j + Math.cos(0.0021 * j))),
        c.inputShape,
      );
      const y = model.predict(x) as tf.Tensor;
      expect(y.shape).toEqual([n, 1]);
      expect(maxAbsDiff(y.dataSync(), c.logits)).toBeLessThan(2e-5);
      tf.dispose([x, y]);
      model.dispose();
    }
  });

  it('rejects inputs too small for three convolutions and two poolings, and bad dropout', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return isCxrError(error) ? error.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => covidCnn({ inputShape: [9, 32, 3] }))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => covidCnn({ inputShape: [32, 32, 0] }))).toBe('E_BAD_ARGUMENT');
    expect(codeOf(() => covidCnn({ inputShape: [32, 32, 3], dropout: { classifier: 1 } }))).toBe('E_BAD_ARGUMENT');
  });

  it('supports grayscale input and custom dropout', () => {
    const model = covidCnn({ inputShape: [16, 16, 1], dropout: { features: 0.1, classifier: 0 } });
    expect(model.countParams()).toBe(126_145 - 2 * 9 * 32);
    expect((model.getLayer('features.5').getConfig() as { rate: number }).rate).toBe(0.1);
    model.dispose();
  });
});
