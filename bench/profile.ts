/**
 * Where a training or inference step spends its time, per tfjs kernel (tf.profile).
 *
 *   npx tsx bench/profile.ts [--model A|B] [--phase train|infer] [--batch 8] [--backend wasm] [--shapes] [--no-native]
 *
 * --shapes lists kernels per input shape (which layer costs what); --no-native turns @cxr/native's kernels off.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { describeBackend, selectBackend, type BackendName } from '../packages/core/src/index.js';
import { measure } from './measure.js';
import { benchModel, type ModelId, type Phase } from './models.js';

const argv = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? (argv[i + 1] as string) : fallback;
};
const model = benchModel(value('model', 'B') as ModelId);
const phase = value('phase', 'train') as Phase;
const batch = Number(value('batch', String(Math.min(model.batch[phase], model.microBatch))));
console.log(describeBackend(await selectBackend({ backend: value('backend', 'wasm') as BackendName, native: !argv.includes('--no-native') })));
measure(model, { phase, batch, microBatch: batch, warmup: 1, steps: 0 });
const info = await tf.profile(() => void measure(model, { phase, batch, microBatch: batch, warmup: 0, steps: 1 }));
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const key = argv.includes('--shapes') ? `${k.name} ${k.inputShapes.map((s) => JSON.stringify(s)).join(' ')}` : k.name;
  const e = byKernel.get(key) ?? { ms: 0, calls: 0 };
  byKernel.set(key, { ms: e.ms + ms, calls: e.calls + 1 });
}
const total = [...byKernel.values()].reduce((a, b) => a + b.ms, 0);
console.log(`${model.id} ${phase} batch ${batch}: ${total.toFixed(0)} ms in kernels`);
for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  console.log(`${name.padEnd(argv.includes('--shapes') ? 60 : 28)} ${e.ms.toFixed(0).padStart(7)} ms ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ×${e.calls}`);
}
