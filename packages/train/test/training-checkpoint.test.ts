import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCxrError } from '@cxr/core';
import { earlyStopping, fit, oneCycle, reduceLROnPlateau } from '@cxr/train';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, trainingCheckpoint } from '@cxr/train/node';
import { useBackend } from './helpers.js';
import { STEPS_PER_EPOCH, TINY_EPOCHS, tinyData, tinyModel, tinyOptions, weightBytes } from './fixtures/tiny-run.js';

let root: string;
let reference: Uint8Array[];
let referenceLoss: number[];

beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'cxr-train-cp-'));
  const model = tinyModel();
  const history = await fit(model, tinyData(), tinyOptions());
  reference = weightBytes(model);
  referenceLoss = history.history.loss;
  model.dispose();
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (error) {
    return isCxrError(error) ? error.code : String(error);
  }
  return undefined;
}

describe('training checkpoints and resume', () => {
  it('a run stopped after epoch 2 and resumed ends bit-identical to one never stopped', async () => {
    const dir = join(root, 'resume');
    const first = tinyModel();
    const cp = trainingCheckpoint(dir);
    await fit(first, tinyData(), { ...tinyOptions(3), callbacks: [cp] });
    expect(cp.saved).toEqual([0, 1, 2]);
    first.dispose();

    const state = await loadTrainingCheckpoint(dir);
    expect(state).toMatchObject({ format: 'cxr-training-checkpoint', version: 1, epoch: 2, seed: 7 });
    expect(state.history.epoch).toEqual([0, 1, 2]);
    expect(state.optimizer.className).toBe('Adam');
    expect(state.optimizer.numbers['iterations_']).toBe(3 * STEPS_PER_EPOCH);
    // BatchNorm's moving statistics are weights too.
    expect(state.weights.filter((w) => /\/moving_(mean|variance)$/.test(w.name))).toHaveLength(2);

    // A fresh model (different initial weights) and a fresh optimizer: everything comes from the checkpoint.
    const resumed = tinyModel(99);
    const before = tf.memory().numTensors;
    const history = await fit(resumed, tinyData(), { ...tinyOptions(), seed: undefined, resume: state });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.epoch).toEqual([0, 1, 2, 3, 4, 5]);
    expect(history.history.loss).toEqual(referenceLoss);
    expect(weightBytes(resumed)).toEqual(reference);
    resumed.dispose();
  });

  it('resuming a finished run restores its weights and trains no further', async () => {
    const dir = join(root, 'done');
    const model = tinyModel();
    await fit(model, tinyData(), { ...tinyOptions(), callbacks: [trainingCheckpoint(dir, { every: 4 })] });
    model.dispose();
    const state = await loadTrainingCheckpoint(dir);
    expect(state.epoch).toBe(TINY_EPOCHS - 1);
    const again = tinyModel(5);
    const history = await fit(again, tinyData(), { ...tinyOptions(), seed: undefined, resume: state });
    expect(history.epoch).toHaveLength(TINY_EPOCHS);
    expect(weightBytes(again)).toEqual(reference);
    again.dispose();
  });

  it('a one-cycle schedule continues where the checkpoint left it', async () => {
    const run = async (stopAfter?: number) => {
      const dir = join(root, `cycle-${stopAfter}`);
      const model = tinyModel();
      const cycle = oneCycle({ maxLr: 0.05 });
      if (stopAfter === undefined) {
        await fit(model, tinyData(), { ...tinyOptions(4), callbacks: [cycle] });
        return { bytes: weightBytes(model), lrs: cycle.lrs, dispose: () => model.dispose() };
      }
      await fit(model, tinyData(), { ...tinyOptions(stopAfter), callbacks: [oneCycle({ maxLr: 0.05, totalSteps: 4 * STEPS_PER_EPOCH }), trainingCheckpoint(dir)] });
      model.dispose();
      const resumed = tinyModel(3);
      await fit(resumed, tinyData(), { ...tinyOptions(4), seed: undefined, resume: await loadTrainingCheckpoint(dir), callbacks: [cycle] });
      return { bytes: weightBytes(resumed), lrs: cycle.lrs, dispose: () => resumed.dispose() };
    };
    const whole = await run();
    const resumed = await run(2);
    expect(resumed.lrs).toEqual(whole.lrs.slice(2 * STEPS_PER_EPOCH));
    expect(resumed.bytes).toEqual(whole.bytes);
    whole.dispose();
    resumed.dispose();
  });

  it('earlyStopping and reduceLROnPlateau carry their counters (and best weights) across a resume', async () => {
    const callbacks = () => ({
      plateau: reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 0.2 }),
      stopper: earlyStopping({ monitor: 'loss', patience: 4, minDelta: 0.3, restoreBestWeights: true }),
    });
    const whole = callbacks();
    const model = tinyModel();
    const history = await fit(model, tinyData(), { ...tinyOptions(), callbacks: [whole.plateau, whole.stopper] });
    const expected = weightBytes(model);
    model.dispose();
    expect(whole.plateau.reductions.length).toBeGreaterThan(0);
    expect(whole.stopper.bestEpoch).toBeLessThan(3);

    const dir = join(root, 'stateful');
    const first = callbacks();
    const part = tinyModel();
    await fit(part, tinyData(), { ...tinyOptions(3), callbacks: [first.plateau, first.stopper, trainingCheckpoint(dir)] });
    part.dispose();
    const state = await loadTrainingCheckpoint(dir);
    expect(state.callbacks.map((c) => c?.kind)).toEqual(['reduceLROnPlateau', 'earlyStopping', undefined]);
    const rest = callbacks();
    const resumed = tinyModel(9);
    const resumedHistory = await fit(resumed, tinyData(), { ...tinyOptions(), seed: undefined, resume: state, callbacks: [rest.plateau, rest.stopper] });
    expect(resumedHistory.history['lr']).toEqual(history.history['lr']);
    expect(resumedHistory.history.loss).toEqual(history.history.loss);
    expect(rest.stopper.stoppedEpoch).toBe(whole.stopper.stoppedEpoch);
    expect(rest.stopper.bestEpoch).toBe(whole.stopper.bestEpoch);
    expect(weightBytes(resumed)).toEqual(expected);
    resumed.dispose();
  });

  it('keeps NaN and ±Infinity in the history and callback state through the file', async () => {
    const dir = join(root, 'nonfinite');
    const model = tinyModel();
    await fit(model, tinyData(), { ...tinyOptions(1), callbacks: [trainingCheckpoint(dir)] });
    model.dispose();
    const state = await loadTrainingCheckpoint(dir);
    state.history.history['odd'] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1];
    state.callbacks = [{ kind: 'x', numbers: { best: Number.POSITIVE_INFINITY } }];
    await saveTrainingCheckpoint(dir, state);
    const again = await loadTrainingCheckpoint(dir);
    expect(again.history.history['odd']).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]);
    expect(again.callbacks).toEqual([{ kind: 'x', numbers: { best: Number.POSITIVE_INFINITY } }]);
  });

  it('refuses a checkpoint of another model or optimizer, leaving the model untouched', async () => {
    const dir = join(root, 'other');
    const model = tinyModel();
    await fit(model, tinyData(), { ...tinyOptions(1), callbacks: [trainingCheckpoint(dir)] });
    model.dispose();
    const state = await loadTrainingCheckpoint(dir);

    const wider = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [16, 16, 1], filters: 8, kernelSize: 3, strides: 2, activation: 'relu' }),
        tfl.layers.batchNormalization(),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const untouched = weightBytes(wider);
    const before = tf.memory().numTensors;
    expect(await codeOf(fit(wider, tinyData(), { ...tinyOptions(), seed: undefined, resume: state }))).toBe('E_CHECKPOINT_MISMATCH');
    expect(weightBytes(wider)).toEqual(untouched);
    expect(tf.memory().numTensors).toBe(before);
    wider.dispose();

    const same = tinyModel();
    expect(await codeOf(fit(same, tinyData(), { ...tinyOptions(), seed: undefined, optimizer: 'sgd', resume: state }))).toBe('E_CHECKPOINT_MISMATCH');
    expect(await codeOf(fit(same, tinyData(), { ...tinyOptions(), seed: 8, resume: state }))).toBe('E_BAD_ARGUMENT');
    same.dispose();
  });

  it('missing, corrupt and other-version checkpoints are coded errors', async () => {
    expect(await codeOf(loadTrainingCheckpoint(join(root, 'nowhere')))).toBe('E_NOT_FOUND');
    const dir = join(root, 'corrupt');
    const model = tinyModel();
    await fit(model, tinyData(), { ...tinyOptions(1), callbacks: [trainingCheckpoint(dir)] });
    model.dispose();
    const tensors = join(dir, 'tensors.bin');
    const manifest = join(dir, 'checkpoint.json');
    const bytes = await readFile(tensors);
    const json = await readFile(manifest, 'utf8');

    const flipped = Buffer.from(bytes);
    flipped[10] = (flipped[10] as number) ^ 1;
    await writeFile(tensors, flipped);
    expect(await codeOf(loadTrainingCheckpoint(dir))).toBe('E_CHECKPOINT_CORRUPT');
    await writeFile(tensors, bytes.subarray(0, bytes.byteLength - 4));
    expect(await codeOf(loadTrainingCheckpoint(dir))).toBe('E_CHECKPOINT_CORRUPT');
    await unlink(tensors);
    expect(await codeOf(loadTrainingCheckpoint(dir))).toBe('E_CHECKPOINT_CORRUPT');
    await writeFile(tensors, bytes);

    await writeFile(manifest, json.slice(0, 40));
    expect(await codeOf(loadTrainingCheckpoint(dir))).toBe('E_CHECKPOINT_CORRUPT');
    await writeFile(manifest, json.replace('"version":1', '"version":2'));
    expect(await codeOf(loadTrainingCheckpoint(dir))).toBe('E_CHECKPOINT_VERSION');
    await writeFile(manifest, json);
    expect((await loadTrainingCheckpoint(dir)).epoch).toBe(0);
  });
});
