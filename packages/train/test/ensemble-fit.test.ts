import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@cxr/core';
import { denseEnsemble, probabilityEnsemble } from '@cxr/models';
import { fit } from '../src/index.js';
import { useBackend } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** Toy separable 3-class problem at 16 px: class c brightens a class-specific band, plus noise. */
function toy(n: number, seed: number): { images: number[]; labels: number[] } {
  const rng = createRng(seed);
  const images: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels.push(c);
    for (let r = 0; r < 16; r++) for (let col = 0; col < 16; col++) images.push((Math.floor(r / 6) === c ? 0.6 : 0.2) + 0.5 * (rng.next() - 0.5));
  }
  return { images, labels };
}
const data = (t: { images: number[]; labels: number[] }, bs: number) => ({
  *[Symbol.iterator]() {
    for (let s = 0; s < t.labels.length; s += bs) {
      const l = t.labels.slice(s, s + bs);
      yield { images: tf.tensor4d(t.images.slice(s * 256, (s + l.length) * 256), [l.length, 16, 16, 1]), labels: tf.tensor1d(l, 'int32') as tf.Tensor1D };
    }
  },
});

function member(name: string, seed: number, conv: boolean): tfl.LayersModel {
  const input = tfl.input({ shape: [16, 16, 1] });
  let x = input as tfl.SymbolicTensor;
  if (conv) x = tfl.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 4, activation: 'relu', name: 'dense_head', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dropout({ rate: 0.2, name: 'dropout_head' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, activation: 'softmax', name: 'predictions_head', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name });
}

function accuracy(model: tfl.LayersModel, t: { images: number[]; labels: number[] }): number {
  return tf.tidy(() => {
    const x = tf.tensor4d(t.images, [t.labels.length, 16, 16, 1]);
    const pred = tf.argMax(model.predict(x) as tf.Tensor, 1).dataSync();
    return t.labels.filter((c, i) => pred[i] === c).length / t.labels.length;
  });
}

describe('ensembles trained with fit (fixed seeds)', () => {
  it('probability- and dense-level ensembles train and match or beat their best member; leak-free', async () => {
    const train = toy(90, 1);
    const test = toy(60, 2);
    const members = [member('m0', 10, false), member('m1', 20, true), member('m2', 30, false)];
    for (const [i, m] of members.entries()) {
      await fit(m, data(train, 16), { epochs: 2, loss: 'categoricalCrossentropy', learningRate: 0.01, seed: i, metrics: ['accuracy'] });
    }
    const best = Math.max(...members.map((m) => accuracy(m, test)));
    const before = tf.memory().numTensors;
    const prob = probabilityEnsemble(members, { numClasses: 3, seed: 5 });
    const h1 = await fit(prob, data(train, 16), { epochs: 6, loss: 'categoricalCrossentropy', learningRate: 0.05, seed: 5, metrics: ['accuracy'] });
    const dense = denseEnsemble(members, { seed: 6 });
    const h2 = await fit(dense, data(train, 16), { epochs: 6, loss: 'categoricalCrossentropy', learningRate: 0.05, seed: 6, metrics: ['accuracy'] });
    const loss1 = h1.history['loss']!;
    const loss2 = h2.history['loss']!;
    expect(loss1[loss1.length - 1]!).toBeLessThan(loss1[0]!);
    expect(loss2[loss2.length - 1]!).toBeLessThan(loss2[0]!);
    expect(accuracy(prob, test)).toBeGreaterThanOrEqual(best - 0.05);
    expect(accuracy(dense, test)).toBeGreaterThanOrEqual(best - 0.05);
    const added = prob.trainableWeights.length + dense.trainableWeights.length; // the heads' kernels and biases
    expect(tf.memory().numTensors - before).toBe(added);
  });
});

describe('ensembles on the phantom set (fixed seeds)', () => {
  it('both trainable ensembles match or beat their best member on phantom chest X-rays', async () => {
    const { phantomDataset } = await import('@cxr/data');
    const SIZE = 24;
    const load = async (split: string, perClass: number) => {
      const images: number[] = [];
      const labels: number[] = [];
      for await (const s of phantomDataset({ imageSize: SIZE, channels: 1, perClass, seed: 4, split })) {
        images.push(...s.image.dataSync());
        labels.push(s.label);
        s.image.dispose();
      }
      // interleave classes so every batch holds both
      const order = labels.map((_, i) => i).sort((a, b) => (a % perClass) - (b % perClass) || a - b);
      return {
        images: order.flatMap((i) => images.slice(i * SIZE * SIZE, (i + 1) * SIZE * SIZE)),
        labels: order.map((i) => labels[i]!),
      };
    };
    const train = await load('train', 40);
    const test = await load('test', 20);
    const batches = (t: { images: number[]; labels: number[] }) => ({
      *[Symbol.iterator]() {
        for (let s = 0; s < t.labels.length; s += 16) {
          const l = t.labels.slice(s, s + 16);
          yield { images: tf.tensor4d(t.images.slice(s * SIZE * SIZE, (s + l.length) * SIZE * SIZE), [l.length, SIZE, SIZE, 1]), labels: tf.tensor1d(l, 'int32') as tf.Tensor1D };
        }
      },
    });
    const convMember = (name: string, seed: number): tfl.LayersModel => {
      const input = tfl.input({ shape: [SIZE, SIZE, 1] });
      let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(input) as tfl.SymbolicTensor;
      x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.dense({ units: 8, activation: 'relu', name: 'dense_head', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }).apply(x) as tfl.SymbolicTensor;
      const out = tfl.layers.dense({ units: 2, activation: 'softmax', name: 'predictions_head', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }).apply(x) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: out, name });
    };
    const acc = (model: tfl.LayersModel) =>
      tf.tidy(() => {
        const pred = tf.argMax(model.predict(tf.tensor4d(test.images, [test.labels.length, SIZE, SIZE, 1])) as tf.Tensor, 1).dataSync();
        return test.labels.filter((c, i) => pred[i] === c).length / test.labels.length;
      });
    const members = [convMember('p0', 11), convMember('p1', 21), convMember('p2', 31)];
    for (const [i, m] of members.entries()) {
      await fit(m, batches(train), { epochs: 2, loss: 'categoricalCrossentropy', learningRate: 0.01, seed: i });
    }
    const memberAccuracies = members.map(acc);
    const best = Math.max(...memberAccuracies);
    const prob = probabilityEnsemble(members, { seed: 7 });
    await fit(prob, batches(train), { epochs: 10, loss: 'categoricalCrossentropy', learningRate: 0.05, seed: 7 });
    const dense = denseEnsemble(members, { seed: 8 });
    await fit(dense, batches(train), { epochs: 10, loss: 'categoricalCrossentropy', learningRate: 0.05, seed: 8 });
    const [probAcc, denseAcc] = [acc(prob), acc(dense)];
    console.info(`phantom ensembles: members ${memberAccuracies.join(', ')}; probability ${probAcc}; dense ${denseAcc}`);
    expect(best).toBeGreaterThan(0.6);
    expect(probAcc).toBeGreaterThanOrEqual(best);
    expect(denseAcc).toBeGreaterThanOrEqual(best);
  });
});
