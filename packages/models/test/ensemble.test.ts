import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { averageEnsemble, denseEnsemble, probabilityEnsemble, votingEnsemble } from '@cxr/models';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

/** The article's member head: … → Dense(units, relu, 'dense_head') → Dropout → Dense(k, softmax). */
function member(name: string, { side = 8, units = 64, classes = 3, seed = 1 } = {}): tfl.LayersModel {
  const input = tfl.input({ shape: [side, side, 1] });
  let x = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units, activation: 'relu', name: 'dense_head', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dropout({ rate: 0.5, name: 'dropout_head' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: classes, activation: 'softmax', name: 'predictions_head' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name });
}

const trainable = (m: tfl.LayersModel): number => m.trainableWeights.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);

describe('ensembles', () => {
  it("probability level: 3 members × 3 classes → 30 trainable parameters (the article's count); members frozen", () => {
    const members = [member('densenet', { seed: 1 }), member('efnet', { seed: 2 }), member('vgg', { seed: 3 })];
    const model = probabilityEnsemble(members, { numClasses: 3, seed: 7 });
    expect(trainable(model)).toBe(30);
    expect(model.getLayer('concatallprobs').outputShape).toEqual([null, 9]);
    expect(members.every((m) => trainable(m) === 0)).toBe(true);
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    tf.dispose([x, y]);
  });

  it("dense level: concat of 3 × 64 'dense_head' features → Dense(3): 579 trainable parameters (the article)", () => {
    const members = [member('a', { seed: 1 }), member('b', { seed: 2 }), member('c', { seed: 3 })];
    const model = denseEnsemble(members, { seed: 3 });
    expect(trainable(model)).toBe(579);
    const named = denseEnsemble([member('a2'), member('b2')], { layerNames: ['dense_head', 'dense_head'], units: 16, seed: 1 });
    expect(trainable(named)).toBe(128 * 16 + 16 + 16 * 3 + 3);
    expect(named.getLayer('ensemble_dropout').getClassName()).toBe('Dropout');
  });

  it('members with different class counts or input shapes → E_SHAPE_MISMATCH; same names are made unique', () => {
    expect(() => probabilityEnsemble([member('a'), member('b', { classes: 2 })])).toThrow(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    expect(() => denseEnsemble([member('a'), member('b', { side: 10 })])).toThrow(expect.objectContaining({ code: 'E_SHAPE_MISMATCH' }));
    expect(() => averageEnsemble([])).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => probabilityEnsemble([member('same'), member('same')])).not.toThrow();
  });

  it('average = mean of member probabilities; voting = majority, ties → highest mean probability; leak-free', () => {
    const members = [member('a', { seed: 1 }), member('b', { seed: 2 }), member('c', { seed: 3 })];
    const avg = averageEnsemble(members);
    expect(trainable(avg)).toBe(members.reduce((s, m) => s + trainable(m), 0)); // no weights of its own
    const x = tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 2);
    tf.dispose([avg.predict(x) as tf.Tensor, votingEnsemble(members).predict(x)]); // warm-up (tfjs caches constants)
    const before = tf.memory().numTensors;
    const probs = members.map((m) => m.predict(x) as tf.Tensor2D);
    const mean = tf.tidy(() => tf.div(tf.addN(probs), 3));
    const got = avg.predict(x) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(mean, got))).dataSync()[0] as number);
    expect(diff).toBeLessThan(1e-6);
    const votes = votingEnsemble(members);
    const pred = votes.predict(x);
    const p = probs.map((t) => t.arraySync());
    const m = mean.arraySync() as number[][];
    const expected = p[0]!.map((_, i) => {
      const count = [0, 0, 0];
      p.forEach((pp) => count[pp[i]!.indexOf(Math.max(...pp[i]!))]!++);
      const top = Math.max(...count);
      let best = -1;
      count.forEach((c, k) => {
        if (c === top && (best < 0 || m[i]![k]! > m[i]![best]!)) best = k;
      });
      return best;
    });
    expect(Array.from(pred.dataSync())).toEqual(expected);
    tf.dispose([...probs, mean, got, pred]);
    const after = tf.memory().numTensors;
    expect(after - before).toBe(0);
    x.dispose();
  });

  it('voting tie-break: one vote each → the class with the highest mean probability', () => {
    const fixed = (probs: number[], name: string): tfl.LayersModel => {
      const input = tfl.input({ shape: [1, 1, 1] });
      const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
      const d = tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: 'zeros', biasInitializer: tfl.initializers.constant({ value: 0 }) });
      const out = d.apply(flat) as tfl.SymbolicTensor;
      d.setWeights([tf.zeros([1, 3]), tf.tensor1d(probs.map(Math.log))]);
      return tfl.model({ inputs: input, outputs: out, name });
    };
    const members = [fixed([0.5, 0.3, 0.2], 'a'), fixed([0.1, 0.5, 0.4], 'b'), fixed([0.3, 0.25, 0.45], 'c')];
    // votes 1/1/1; mean probs [0.3, 0.35, 0.35] → tie between 1 and 2 → mean ties too → lowest index 1.
    const x = tf.zeros([1, 1, 1, 1]);
    const pred = votingEnsemble(members).predict(x);
    expect(Array.from(pred.dataSync())).toEqual([1]);
    tf.dispose([x, pred]);
  });
});
