import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { covidCnn } from '@cxr/models';
import { evaluate, fit, predict, type Callback } from '@cxr/train';
import { CxrError, type ProgressEvent } from '@cxr/core';
import { batches, brightDark, sampleDataset, useBackend } from './helpers.js';

beforeAll(() => useBackend('cpu'));

const SIDE = 12; // smallest comfortable covidCnn input: 12 → 10 → 8 → 4 → 2 → 1 → adaptive 2×2
const net = (seed = 1) => covidCnn({ inputShape: [SIDE, SIDE, 3], seed });
const weightsOf = (model: tfl.LayersModel): Float32Array[] => model.getWeights().map((w) => w.dataSync() as Float32Array);
const sameWeights = (a: Float32Array[], b: Float32Array[]) => a.every((w, i) => w.every((v, j) => Object.is(v, (b[i] as Float32Array)[j])));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('fit on cpu', () => {
  it('learns bright vs dark with the article defaults (Adam lr 0.01, BCE-with-logits); evaluate and predict agree', async () => {
    const model = net(1);
    const train = sampleDataset(brightDark(32, SIDE, 1));
    const val = batches(brightDark(16, SIDE, 2), 8);
    const events: ProgressEvent[] = [];
    const history = await fit(model, train, {
      epochs: 5,
      batchSize: 8,
      seed: 3,
      validationData: val,
      onProgress: (e) => events.push(e),
    });
    const { loss, accuracy, val_loss, val_accuracy } = history.history;
    expect(history.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(val_loss).toHaveLength(5);
    expect(loss.at(-1)).toBeLessThan(0.5 * (loss[0] as number));
    expect(accuracy.at(-1)).toBeGreaterThanOrEqual(0.9);
    expect(val_accuracy?.at(-1)).toBe(1);
    expect(history).toMatchObject({ seed: 3, stoppedEarly: false, images: [32, 32, 32, 32, 32] });
    expect(history.imagesPerSecond).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(history))).toEqual(history);

    // 4 steps and 2 validation batches per epoch.
    expect(events.filter((e) => e.phase === 'train')).toHaveLength(20);
    expect(events.filter((e) => e.phase === 'validate')).toHaveLength(10);
    expect(events[0]).toMatchObject({ phase: 'train', current: 1, total: 4, message: 'epoch 1/5' });
    expect(Object.keys(events[0]?.values ?? {})).toEqual(['epoch', 'loss', 'accuracy']);
    // A SampleDataset is reshuffled every epoch, the same way for the same seed.
    expect(new Set(train.log.map((o) => o.join())).size).toBe(5);

    const result = await evaluate(model, val);
    expect(result.samples).toBe(16);
    expect(result.loss).toBeCloseTo(val_loss?.at(-1) as number, 5);
    expect(result.accuracy).toBe(val_accuracy?.at(-1));
    const p = await predict(model, val);
    expect(p.labels).toEqual(brightDark(16, SIDE, 2).labels);
    expect(p.files.slice(0, 2)).toEqual(['toy/0.png', 'toy/1.png']);
    expect(p.scores.filter((s, i) => Number(s > 0.5) === p.labels[i]).length / 16).toBe(result.accuracy);
    model.dispose();
  });

  it('is deterministic for a seed (bit-identical weights on cpu), dropout included', async () => {
    const data = brightDark(16, SIDE, 4);
    const run = async (fitSeed: number) => {
      const model = net(2);
      await fit(model, sampleDataset(data), { epochs: 2, batchSize: 8, seed: fitSeed });
      const w = weightsOf(model);
      model.dispose();
      return w;
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(sameWeights(a, b)).toBe(true);
    expect(sameWeights(a, c)).toBe(false);
  });

  it('is leak-free: tensors unchanged after fit (own optimizer disposed), evaluate and predict', async () => {
    const model = net(3);
    const data = batches(brightDark(8, SIDE, 5), 4);
    const before = tf.memory().numTensors;
    await fit(model, data, { epochs: 2, validationData: data, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    await evaluate(model, data);
    await predict(model, data);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('is leak-free with a caller-owned optimizer: only its slot variables stay, created once', async () => {
    const model = net(4);
    const data = batches(brightDark(8, SIDE, 5), 4);
    const before = tf.memory().numTensors;
    const optimizer = tf.train.adam(0.001);
    await fit(model, data, { epochs: 1, optimizer, seed: 1 });
    const afterFirst = tf.memory().numTensors;
    expect(afterFirst).toBe(before + 2 + 2 * 10); // β powers, then m and v for each of the 10 weights
    await fit(model, data, { epochs: 1, optimizer, seed: 1 });
    await fit(model, data, { epochs: 1, optimizer, seed: 1 });
    expect(tf.memory().numTensors).toBe(afterFirst);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops with E_NOT_FINITE naming epoch and batch, keeping the last good weights', async () => {
    const model = net(5);
    const toy = brightDark(8, SIDE, 6);
    (toy.pixels[5] as Float32Array)[0] = Number.NaN; // in the 2nd batch of 4
    let afterFirstStep: Float32Array[] = [];
    const callbacks: Callback[] = [{ onBatchEnd: (batch) => void (batch === 0 && (afterFirstStep = weightsOf(model))) }];
    const before = tf.memory().numTensors;
    const error = await rejection(fit(model, batches(toy, 4), { epochs: 2, seed: 1, callbacks }));
    expect(error).toBeInstanceOf(CxrError);
    expect(error).toMatchObject({ code: 'E_NOT_FINITE' });
    expect((error as Error).message).toMatch(/epoch 0, batch 1/);
    expect(sameWeights(weightsOf(model), afterFirstStep)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops early when onEpochEnd returns true, calling callbacks in order', async () => {
    const model = net(6);
    const calls: string[] = [];
    const history = await fit(model, batches(brightDark(8, SIDE, 7), 8), {
      epochs: 10,
      seed: 1,
      callbacks: [
        {
          onTrainBegin: () => void calls.push('trainBegin'),
          onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
          onBatchEnd: (b, logs) => void calls.push(`batch ${b} ${logs.size}`),
          onEpochEnd: (e) => void calls.push(`epochEnd ${e}`),
          onTrainEnd: (h) => void calls.push(`trainEnd ${h.epoch.length}`),
        },
      ],
      onEpochEnd: (epoch) => epoch === 1,
    });
    expect(history.epoch).toEqual([0, 1]);
    expect(history.stoppedEarly).toBe(true);
    expect(calls).toEqual(['trainBegin', 'epochBegin 0', 'batch 0 8', 'epochEnd 0', 'epochBegin 1', 'batch 0 8', 'epochEnd 1', 'trainEnd 2']);
    model.dispose();
  });

  it('honours an AbortSignal between steps, leaking nothing', async () => {
    const model = net(7);
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const error = await rejection(
      fit(model, batches(brightDark(12, SIDE, 8), 4), {
        epochs: 3,
        seed: 1,
        signal: controller.signal,
        onProgress: (e) => e.current === 2 && controller.abort(new Error('user stop')),
      }),
    );
    expect((error as Error).message).toBe('user stop');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('restores Dropout seeds after training and seeds them during it; continues from initialEpoch', async () => {
    const model = net(8);
    const dropout = model.getLayer('features.5') as unknown as { seed?: number };
    const seen: Array<number | undefined> = [];
    const history = await fit(model, batches(brightDark(8, SIDE, 9), 8), {
      epochs: 3,
      initialEpoch: 1,
      seed: 1,
      callbacks: [{ onBatchEnd: () => void seen.push(dropout.seed) }],
    });
    expect(history.epoch).toEqual([1, 2]);
    expect(seen.every((s) => typeof s === 'number')).toBe(true);
    expect(seen[0]).not.toBe(seen[1]);
    expect(dropout.seed).toBeUndefined();
    model.dispose();
  });

  it('rejects bad input with coded errors', async () => {
    const model = net(9);
    const code = async (p: Promise<unknown>) => ((await rejection(p)) as CxrError).code;
    const data = batches(brightDark(4, SIDE, 1), 4);
    expect(await code(fit(model, data, { epochs: 0 }))).toBe('E_BAD_ARGUMENT');
    expect(await code(fit(model, data, { epochs: 1, learningRate: -1 }))).toBe('E_BAD_ARGUMENT');
    expect(await code(fit(model, data, { epochs: 1, loss: 'mse' as never }))).toBe('E_BAD_ARGUMENT');
    expect(await code(fit(model, 42 as never, { epochs: 1 }))).toBe('E_BAD_ARGUMENT');
    const mismatched = [{ images: tf.zeros([4, SIDE, SIDE, 3]) as tf.Tensor4D, labels: tf.zeros([3], 'int32') as tf.Tensor1D }];
    expect(await code(fit(model, mismatched, { epochs: 1 }))).toBe('E_SHAPE_MISMATCH');
    // A one-shot generator is empty on the second pass.
    const oneShot = (async function* () {
      yield* batches(brightDark(4, SIDE, 1), 4);
    })();
    const error = await rejection(fit(model, oneShot, { epochs: 2, seed: 1 }));
    expect(error).toMatchObject({ code: 'E_BAD_ARGUMENT' });
    expect((error as Error).message).toMatch(/no batches in epoch 1/);
    model.dispose();
  });
});
