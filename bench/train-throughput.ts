/**
 * Training and inference throughput of covidCnn (seed 000) per backend, through @cxr/train's
 * `fit` and `predict` on synthetic in-memory batches.
 *
 *   npx tsx bench/train-throughput.ts [--size 64] [--batch 16] [--steps 6] [--backends cpu,cpu-fast,wasm]
 *
 * Backends: `cpu` (stock tfjs-backend-cpu), `cpu-fast` (cpu with @cxr/core's Conv2D-based
 * Conv2DBackpropFilter in place of the stock one), `wasm` (via selectBackend, which adds the
 * filter-gradient kernel stock wasm lacks). Each backend: one warm-up epoch, then one timed
 * epoch of `steps` batches; images/s = images / seconds of the timed training pass.
 * Not a test: numbers depend on the machine and its load.
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig, selectBackend } from '../packages/core/src/index.js';
import { covidCnn } from '../packages/models/src/index.js';
import { fit, predict } from '../packages/train/src/index.js';

type BenchBackend = 'cpu' | 'cpu-fast' | 'wasm';

export interface BenchOptions {
  size: number;
  batch: number;
  steps: number;
  backends: BenchBackend[];
}

export interface BenchRow {
  backend: BenchBackend;
  trainImagesPerSecond: number;
  predictImagesPerSecond: number;
  msPerStep: number;
}

function syntheticBatches(steps: number, batch: number, size: number) {
  return {
    size: steps,
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < steps; i++) {
        yield {
          images: tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', i) as tf.Tensor4D,
          labels: tf.tensor1d(Array.from({ length: batch }, (_, k) => k % 2), 'int32'),
        };
      }
    },
  };
}

let stockCpuFilterKernel: tf.KernelConfig | undefined;

/** Activate a backend; for the cpu variants, choose which Conv2DBackpropFilter kernel it runs. */
async function activate(backend: BenchBackend): Promise<void> {
  if (backend === 'wasm') {
    await selectBackend({ backend: 'wasm' });
    return;
  }
  await import('@tensorflow/tfjs-backend-cpu');
  stockCpuFilterKernel ??= tf.getKernel('Conv2DBackpropFilter', 'cpu');
  tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel(backend === 'cpu-fast' ? conv2dBackpropFilterConfig('cpu') : (stockCpuFilterKernel as tf.KernelConfig));
  await selectBackend({ backend: 'cpu' });
}

export async function runBench(options: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const backend of options.backends) {
    await activate(backend);
    const model = covidCnn({ inputShape: [options.size, options.size, 3], seed: 1 });
    const data = syntheticBatches(options.steps, options.batch, options.size);
    // Epoch 0 warms up (kernel compilation, allocations); epoch 1 is timed.
    const history = await fit(model, data, { epochs: 2, seed: 1, learningRate: 0.001 });
    const seconds = history.seconds[1] as number;
    const images = history.images[1] as number;
    const t0 = performance.now();
    await predict(model, data);
    const predictSeconds = (performance.now() - t0) / 1000;
    rows.push({
      backend,
      trainImagesPerSecond: images / seconds,
      predictImagesPerSecond: (options.steps * options.batch) / predictSeconds,
      msPerStep: (1000 * seconds) / options.steps,
    });
    model.dispose();
  }
  return rows;
}

function parseArgs(argv: string[]): BenchOptions {
  const get = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? (argv[i + 1] as string) : fallback;
  };
  return {
    size: Number(get('size', '64')),
    batch: Number(get('batch', '16')),
    steps: Number(get('steps', '6')),
    backends: get('backends', 'cpu,cpu-fast,wasm').split(',') as BenchBackend[],
  };
}

const isMain = typeof process !== 'undefined' && process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '');
if (isMain) {
  const options = parseArgs(process.argv.slice(2));
  console.log(`covidCnn ${options.size}×${options.size}×3, batch ${options.batch}, ${options.steps} timed steps`);
  for (const row of await runBench(options)) {
    console.log(
      `${row.backend.padEnd(9)} train ${row.trainImagesPerSecond.toFixed(1).padStart(7)} img/s ` +
        `(${row.msPerStep.toFixed(0)} ms/step)   predict ${row.predictImagesPerSecond.toFixed(1).padStart(7)} img/s`,
    );
  }
}
