/**
 * `pnpm stress`: 1,000 training steps with augmentation on the phantom set, sampling the process
 * RSS and tf.memory() every 50 steps; fails (exit 1) when tensors or memory grow. Not part of the
 * tests (it takes a minute). See docs/reliability.md.
 *
 *   pnpm stress [--steps 1000] [--every 50] [--backend cpu|wasm] [--rss-limit-mib 64]
 *
 * Asserts: after a warm-up of 100 steps, `numTensors` and `numBytes` are exactly the same at every
 * sample, and the RSS grows by less than `--rss-limit-mib` (median of the last quarter of the
 * samples minus the median of the first quarter after warm-up; GC is forced before each sample
 * when node runs with --expose-gc, which the package script passes).
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { selectBackend } from '@cxr/core';
import { phantomDataset } from '@cxr/data';
import { lungClassifier } from '@cxr/models';
import { randomAugment } from '@cxr/preprocess';
import { fit } from '@cxr/train';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '1000' },
    every: { type: 'string', default: '50' },
    backend: { type: 'string', default: 'cpu' },
    'rss-limit-mib': { type: 'string', default: '64' },
  },
});
const steps = Number(values.steps);
const every = Number(values.every);
const warmupSteps = Math.min(100, Math.floor(steps / 4));
const rssLimit = Number(values['rss-limit-mib']) * 2 ** 20;

interface Sample {
  step: number;
  rssMiB: number;
  heapMiB: number;
  numTensors: number;
  numBytes: number;
}

const MiB = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const choice = await selectBackend({ backend: values.backend as 'cpu' | 'wasm' });
const batchSize = 8;
const data = phantomDataset({ perClass: 20, imageSize: 32, channels: 1, seed: 1 }); // 40 images: 5 steps per epoch
const stepsPerEpoch = Math.ceil(data.size / batchSize);
const model = lungClassifier({ inputShape: [32, 32, 1], numClasses: 2, seed: 1 });
const augment = randomAugment({ rotationRange: 10, widthShiftRange: 0.1, heightShiftRange: 0.1, zoomRange: 0.1, horizontalFlip: true });

const samples: Sample[] = [];
let step = 0;
const started = Date.now();
await fit(model, data, {
  epochs: Math.ceil(steps / stepsPerEpoch),
  batchSize,
  loss: 'categoricalCrossentropy',
  learningRate: 1e-3,
  augment,
  seed: 1,
  callbacks: [
    {
      onBatchEnd: (_batch, _logs, ctx) => {
        step++;
        if (step % every === 0 || step === 1) {
          gc?.();
          const m = tf.memory();
          const mem = process.memoryUsage();
          samples.push({ step, rssMiB: MiB(mem.rss), heapMiB: MiB(mem.heapUsed), numTensors: m.numTensors, numBytes: m.numBytes });
        }
        if (step >= steps) ctx.stop();
      },
    },
  ],
});
model.dispose();
const seconds = (Date.now() - started) / 1000;

console.log(`stress: ${step} training steps (batch ${batchSize}, 32×32×1 phantoms, augmentation) on ${choice.name} in ${seconds.toFixed(1)} s; gc ${gc ? 'forced before each sample' : 'not exposed'}`);
console.table(samples);

const settled = samples.filter((s) => s.step >= warmupSteps);
const failures: string[] = [];
const tensorCounts = new Set(settled.map((s) => `${s.numTensors}/${s.numBytes}`));
if (tensorCounts.size !== 1) failures.push(`tensors changed after warm-up (numTensors/numBytes seen: ${[...tensorCounts].join(', ')})`);
const quarter = Math.max(1, Math.floor(settled.length / 4));
const rssStart = median(settled.slice(0, quarter).map((s) => s.rssMiB));
const rssEnd = median(settled.slice(-quarter).map((s) => s.rssMiB));
const growth = rssEnd - rssStart;
console.log(
  `numTensors after warm-up: ${[...tensorCounts].join(', ')} (numTensors/numBytes); ` +
    `RSS ${rssStart} → ${rssEnd} MiB (growth ${growth.toFixed(1)} MiB, limit ${MiB(rssLimit)} MiB)`,
);
if (growth * 2 ** 20 >= rssLimit) failures.push(`RSS grew by ${growth.toFixed(1)} MiB (limit ${MiB(rssLimit)} MiB)`);
if (step < steps) failures.push(`only ${step} of ${steps} steps ran`);
if (failures.length) {
  console.error(`stress: FAILED — ${failures.join('; ')}`);
  process.exit(1);
}
console.log('stress: OK — no tensor or memory growth');
