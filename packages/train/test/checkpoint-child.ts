// Child process for callbacks.test.ts: writes checkpoint v1 of a model to argv[2], then starts
// writing v2 and stops at phase argv[3], printing it so the parent can SIGKILL us there.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { lungClassifier } from '@cxr/models';
import { modelCheckpoint } from '@cxr/train/node';
import type { TrainContext } from '@cxr/train';

const [dir, killAt] = process.argv.slice(2) as [string, string];
await tf.setBackend('cpu');
const ctx = (seed: number) => ({ model: lungClassifier({ inputShape: [16, 16, 1], seed }) }) as unknown as TrainContext;
const logs = { loss: 1, accuracy: 0.5 };
await modelCheckpoint(dir).onEpochEnd?.(0, logs, ctx(1));
process.stdout.write('v1\n');
await modelCheckpoint(dir, {
  onPhase: async (phase) => {
    if (phase !== killAt) return;
    process.stdout.write(`at ${phase}\n`);
    await new Promise(() => setInterval(() => {}, 1000)); // wait to be killed
  },
}).onEpochEnd?.(1, logs, ctx(2));
process.stdout.write('v2\n');
