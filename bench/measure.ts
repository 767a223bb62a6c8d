/**
 * Timed training and inference steps of one model on the active tfjs backend. Warm-up steps are
 * excluded, images/s is batch ÷ median step time, and the tensor count must not grow.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BenchModel, Phase } from './models.js';

export interface Measured {
  imagesPerSec: number;
  /** Every timed step, seconds. */
  stepSeconds: number[];
  /** Gradient-accumulation slices per training step (1 = the whole batch at once). */
  microBatches: number;
  /** Tensors left behind per step (must be 0). */
  leakedTensors: number;
}

export interface MeasureOptions {
  phase: Phase;
  batch: number;
  /** Largest slice run at once; larger batches accumulate gradients (the wasm heap is 4 GiB). */
  microBatch: number;
  warmup: number;
  steps: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** One optimiser step over `batch` images, `micro` at a time, gradients averaged like one big batch. */
function trainStep(model: BenchModel, net: { apply: Function; trainableWeights: { read(): tf.Tensor }[] }, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor, micro: number): number {
  const n = x.shape[0];
  const lossOf = (xs: tf.Tensor, ys: tf.Tensor) => () => model.loss(net.apply(xs, { training: true }) as tf.Tensor, ys);
  if (micro >= n) {
    const loss = optimizer.minimize(lossOf(x, y), true) as tf.Scalar;
    const value = loss.dataSync()[0] as number;
    loss.dispose();
    return value;
  }
  let total = 0;
  let acc: tf.NamedTensorMap | null = null;
  for (let start = 0; start < n; start += micro) {
    const size = Math.min(micro, n - start);
    const { value, grads } = tf.tidy(() => {
      const xs = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
      const ys = tf.slice(y, [start, 0], [size, -1]);
      // Each slice's mean loss is weighted by its share of the batch.
      return tf.variableGrads(() => tf.mul(lossOf(xs, ys)(), size / n) as tf.Scalar);
    });
    total += value.dataSync()[0] as number;
    value.dispose();
    if (!acc) acc = grads;
    else {
      const prev: tf.NamedTensorMap = acc;
      acc = Object.fromEntries(Object.keys(prev).map((k) => [k, tf.add(prev[k]!, grads[k]!)]));
      tf.dispose([prev, grads]);
    }
  }
  optimizer.applyGradients(acc as tf.NamedTensorMap);
  tf.dispose(acc as tf.NamedTensorMap);
  return total;
}

export function measure(model: BenchModel, options: MeasureOptions): Measured {
  const net = model.build();
  const params = net.countParams();
  if (params !== model.params) throw new Error(`model ${model.id}: ${params} parameters, expected ${model.params}`);
  const x = tf.randomUniform([options.batch, ...model.shape], 0, 1, 'float32', 7) as tf.Tensor4D;
  const y = model.labels(options.batch);
  const optimizer = tf.train.adam(1e-3);
  const micro = options.phase === 'train' ? Math.min(options.microBatch, options.batch) : options.batch;
  const step = () => {
    if (options.phase === 'train') {
      trainStep(model, net as never, optimizer, x, y, micro);
    } else {
      const out = tf.tidy(() => model.finish(net.predict(x, { batchSize: options.batch }) as tf.Tensor));
      out.dataSync();
      out.dispose();
    }
  };
  try {
    for (let i = 0; i < options.warmup; i++) step();
    const before = tf.memory().numTensors;
    const stepSeconds: number[] = [];
    for (let i = 0; i < options.steps; i++) {
      const t0 = performance.now();
      step();
      stepSeconds.push((performance.now() - t0) / 1000);
    }
    const leakedTensors = (tf.memory().numTensors - before) / Math.max(1, options.steps);
    return { imagesPerSec: options.batch / median(stepSeconds), stepSeconds, microBatches: Math.ceil(options.batch / micro), leakedTensors };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    net.dispose();
  }
}
