import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core registers no gradients by itself; tfjs-layers (which any model brings in) does.
import '@tensorflow/tfjs-layers';
import { bceWithLogits, countCorrect, resolveLoss } from '@cxr/train';
import { isCxrError } from '@cxr/core';
import { fixture } from './helpers.js';

interface BceCase {
  shape: number[];
  posWeight: number;
  logits: number[];
  labels: number[];
  mean: number;
  none: number[];
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scalar = (t: tf.Tensor): number => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe('bceWithLogits', () => {
  it('matches a hand-computed value, with and without posWeight', () => {
    // logits [2, -1, 0], labels [1, 0, 1]; softplus(x) = ln(1 + eˣ):
    //   posWeight 2: (2·softplus(−2) + softplus(−1) + 2·softplus(0)) / 3
    //              = (2·0.126928011 + 0.313261688 + 2·0.693147181) / 3 = 0.651137357
    //   posWeight 1: (0.126928011 + 0.313261688 + 0.693147181) / 3 = 0.377778960
    const logits = tf.tensor2d([[2], [-1], [0]]);
    const labels = tf.tensor2d([[1], [0], [1]]);
    expect(scalar(bceWithLogits(labels, logits, { posWeight: 2 }))).toBeCloseTo(0.651137357, 6);
    expect(scalar(bceWithLogits(labels, logits))).toBeCloseTo(0.37777896, 6);
    expect(scalar(bceWithLogits(labels, logits, { reduction: 'sum' }))).toBeCloseTo(3 * 0.37777896, 5);
    tf.dispose([logits, labels]);
  });

  it('matches torch.nn.BCEWithLogitsLoss(pos_weight) on golden cases, incl. |x| = 100 and soft labels', () => {
    const { cases } = fixture<{ cases: BceCase[] }>('bce_with_logits.json');
    expect(cases.length).toBeGreaterThanOrEqual(18);
    for (const c of cases) {
      const [logits, labels] = [tf.tensor(c.logits, c.shape), tf.tensor(c.labels, c.shape)];
      const mean = scalar(bceWithLogits(labels, logits, { posWeight: c.posWeight }));
      expect(Math.abs(mean - c.mean)).toBeLessThan(1e-5 * Math.max(1, Math.abs(c.mean)));
      const none = bceWithLogits(labels, logits, { posWeight: c.posWeight, reduction: 'none' });
      const values = none.dataSync();
      c.none.forEach((v, i) => expect(Math.abs((values[i] as number) - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
      tf.dispose([logits, labels, none]);
    }
  });

  it('has the gradient of PyTorch: (σ(x)·(1 + (p−1)·y) − p·y) / n', () => {
    const x = tf.tensor2d([[3], [-2]]);
    const y = tf.tensor2d([[1], [0]]);
    const p = 4;
    const g = tf.grad((l: tf.Tensor) => bceWithLogits(y, l, { posWeight: p }))(x);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const expected = [(s(3) * (1 + (p - 1)) - p) / 2, s(-2) / 2];
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 6));
    tf.dispose([x, y, g]);
  });

  it('rejects mismatched shapes and bad posWeight with coded errors, leaking nothing', () => {
    const before = tf.memory().numTensors;
    const [a, b, labels, wide] = [tf.zeros([4, 1]), tf.zeros([4]), tf.tensor1d([0, 1], 'int32'), tf.zeros([2, 3])];
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isCxrError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => bceWithLogits(b, a))).toBe('E_SHAPE_MISMATCH');
    expect(code(() => bceWithLogits(a, a, { posWeight: -1 }))).toBe('E_BAD_ARGUMENT');
    expect(code(() => resolveLoss('bceWithLogits')(labels, wide))).toBe('E_SHAPE_MISMATCH');
    tf.dispose([a, b, labels, wide]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('resolveLoss / countCorrect', () => {
  it("'bceWithLogits' takes class-index labels and [n, 1] logits", () => {
    const loss = resolveLoss('bceWithLogits', { posWeight: 2 });
    const labels = tf.tensor1d([1, 0, 1], 'int32');
    const logits = tf.tensor2d([[2], [-1], [0]]);
    expect(scalar(loss(labels, logits))).toBeCloseTo(0.651137357, 6);
    // σ(2) > .5 ✓, σ(−1) < .5 ✓, σ(0) = .5 is not > .5 → predicted 0, label 1 ✗
    expect(scalar(countCorrect(labels, logits))).toBe(2);
    expect(scalar(countCorrect(labels, logits, 0.4))).toBe(3);
    tf.dispose([labels, logits]);
  });

  it('uses arg-max for several output columns', () => {
    const labels = tf.tensor1d([2, 0], 'int32');
    const outputs = tf.tensor2d([[0, 1, 5], [0, 3, 1]]);
    expect(scalar(countCorrect(labels, outputs))).toBe(1);
    tf.dispose([labels, outputs]);
  });
});
