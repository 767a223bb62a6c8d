import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lungClassifier } from '@cxr/models';
import { earlyStopping, fit, type Callback } from '@cxr/train';
import { loadCheckpoint, modelCheckpoint } from '@cxr/train/node';
import { useBackend } from './helpers.js';

let root: string;
beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'cxr-train-cb-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const data = () => ({
  *[Symbol.iterator]() {
    yield { images: tf.zeros([2, 16, 16, 1]) as tf.Tensor4D, labels: tf.tensor1d([0, 1], 'int32') };
  },
});
/** Logs a scripted metric `score` and sets every weight to the epoch number, so a snapshot is recognisable. */
const script = (values: number[]): Callback => ({
  onEpochEnd(epoch, logs, ctx) {
    logs['score'] = values[epoch] as number;
    const fills = ctx.model.getWeights().map((w) => tf.fill(w.shape, epoch));
    ctx.model.setWeights(fills);
    tf.dispose(fills);
  },
});

describe('earlyStopping', () => {
  it('stops at the Keras epoch and restores the best epoch’s weights (scripted metric), leak-free', async () => {
    const model = lungClassifier({ inputShape: [16, 16, 1], seed: 1 });
    const before = tf.memory().numTensors;
    // max mode ('auto' would pick min for 'score'): best 0.9 at epoch 2, patience 2 → stop after epoch 4.
    const es = earlyStopping({ monitor: 'score', mode: 'max', patience: 2, restoreBestWeights: true });
    const history = await fit(model, data(), { epochs: 10, loss: 'categoricalCrossentropy', seed: 1, callbacks: [script([0.5, 0.7, 0.9, 0.85, 0.9, 1, 1]), es] });
    expect(history.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(history.stoppedEarly).toBe(true);
    expect([es.stoppedEpoch, es.bestEpoch, es.best]).toEqual([4, 2, 0.9]);
    for (const w of model.getWeights()) expect(new Set(w.dataSync())).toEqual(new Set([2]));
    expect(tf.memory().numTensors).toBe(before);

    // min mode with minDelta and baseline; no stop before patience; auto → min for 'val_loss'-like names.
    const es2 = earlyStopping({ monitor: 'score', minDelta: 0.1, patience: 2, restoreBestWeights: true });
    expect(es2.mode).toBe('min');
    expect(earlyStopping({ monitor: 'val_auc' }).mode).toBe('max');
    expect(earlyStopping({ monitor: 'val_categorical_accuracy' }).mode).toBe('max');
    await fit(model, data(), { epochs: 10, loss: 'categoricalCrossentropy', seed: 1, callbacks: [script([1, 0.95, 0.8, 0.75, 0.72]), es2] });
    expect([es2.stoppedEpoch, es2.bestEpoch]).toEqual([4, 2]); // 0.95, 0.75, 0.72 are not 0.1 better than the best
    for (const w of model.getWeights()) expect(new Set(w.dataSync())).toEqual(new Set([2]));

    // Not stopped: still restored at the end (Keras 3).
    const es3 = earlyStopping({ monitor: 'score', mode: 'max', patience: 5, restoreBestWeights: true });
    await fit(model, data(), { epochs: 3, loss: 'categoricalCrossentropy', seed: 1, callbacks: [script([0.1, 0.9, 0.2]), es3] });
    expect(es3.stoppedEpoch).toBe(-1);
    for (const w of model.getWeights()) expect(new Set(w.dataSync())).toEqual(new Set([1]));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('modelCheckpoint', () => {
  it('saves the best epoch only, atomically replacing the directory', async () => {
    const dir = join(root, 'best');
    const model = lungClassifier({ inputShape: [16, 16, 1], seed: 1 });
    const cp = modelCheckpoint(dir, { monitor: 'score', mode: 'max', saveBestOnly: true });
    await fit(model, data(), { epochs: 4, loss: 'categoricalCrossentropy', seed: 1, callbacks: [script([0.2, 0.5, 0.4, 0.6]), cp] });
    expect(cp.saved).toEqual([0, 1, 3]);
    expect((await readdir(root)).filter((e) => e.startsWith('best'))).toEqual(['best']);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.getUserDefinedMetadata()).toMatchObject({ epoch: 3 });
    for (const w of loaded.getWeights()) expect(new Set(w.dataSync())).toEqual(new Set([3]));
    loaded.dispose();
    model.dispose();
  });

  it('a write killed (SIGKILL) at any phase leaves a loadable checkpoint', async () => {
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const child = fileURLToPath(new URL('./checkpoint-child.ts', import.meta.url));
    const phases = ['writing', 'written', 'swapping'] as const;
    const results = await Promise.all(
      phases.map(
        (phase) =>
          new Promise<string>((done, fail) => {
            const dir = join(root, `kill-${phase}`);
            const p = spawn(tsx, [child, dir, phase], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
            let out = '';
            let err = '';
            p.stderr.on('data', (d) => (err += d));
            p.stdout.on('data', (d) => {
              out += d;
              if (out.includes(`at ${phase}`)) p.kill('SIGKILL');
            });
            p.on('exit', (code, signal) => (signal === 'SIGKILL' ? done(dir) : fail(new Error(`child exited ${code}: ${out} ${err}`))));
          }),
      ),
    );
    for (const [i, dir] of results.entries()) {
      const model = await loadCheckpoint(dir);
      const epoch = (model.getUserDefinedMetadata() as { epoch: number }).epoch;
      // Killed before the swap: the previous checkpoint; during it: either complete one.
      if (phases[i] !== 'swapping') expect(epoch).toBe(0);
      else expect([0, 1]).toContain(epoch);
      expect(model.countParams()).toBe(lungClassifier({ inputShape: [16, 16, 1] }).countParams());
      model.dispose();
      expect((await readdir(root)).filter((e) => e.startsWith(`kill-${phases[i]}.`))).toEqual([]);
    }
  }, 30_000);
});
