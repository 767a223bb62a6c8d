import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import type { Batch, SampleDataset } from '@cxr/data';
import { createRng } from '@cxr/core';

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export interface Toy {
  pixels: Float32Array[];
  labels: number[];
  files: string[];
  size: number;
}

/** Bright (label 1) vs dark (label 0) noisy images: trivially separable. */
export function brightDark(n: number, side: number, seed: number): Toy {
  const rng = createRng(seed);
  const pixels: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const [lo, hi] = label ? [0.55, 1] : [0, 0.45];
    pixels.push(Float32Array.from({ length: side * side * 3 }, () => rng.uniform(lo, hi)));
    labels.push(label);
  }
  return { pixels, labels, files: labels.map((_, i) => `toy/${i}.png`), size: side };
}

function makeBatch(toy: Toy, order: number[]): Batch {
  const s = toy.size;
  const data = new Float32Array(order.length * s * s * 3);
  order.forEach((i, k) => data.set(toy.pixels[i] as Float32Array, k * s * s * 3));
  return {
    images: tf.tensor4d(data, [order.length, s, s, 3]),
    labels: tf.tensor1d(order.map((i) => toy.labels[i] as number), 'int32'),
    files: order.map((i) => toy.files[i] as string),
  };
}

/** A re-iterable async iterable of batches (fresh tensors every pass), in a fixed order. */
export function batches(toy: Toy, batchSize: number): AsyncIterable<Batch> & { size: number; passes: number } {
  const out = {
    size: Math.ceil(toy.labels.length / batchSize),
    passes: 0,
    async *[Symbol.asyncIterator]() {
      out.passes++;
      for (let start = 0; start < toy.labels.length; start += batchSize) {
        const end = Math.min(start + batchSize, toy.labels.length);
        yield makeBatch(toy, Array.from({ length: end - start }, (_, k) => start + k));
      }
    },
  };
  return out;
}

/** Just enough of a SampleDataset for the loops: size, classes, shuffle(seed), batch(n). */
export function sampleDataset(toy: Toy, order = toy.labels.map((_, i) => i), log: number[][] = []): SampleDataset & { log: number[][] } {
  const ds = {
    classes: ['dark', 'bright'],
    size: order.length,
    log,
    shuffle: (seed: number) => sampleDataset(toy, createRng(seed).shuffle(order), log),
    batch: (n: number) => ({
      async *[Symbol.asyncIterator]() {
        log.push(order);
        for (let start = 0; start < order.length; start += n) yield makeBatch(toy, order.slice(start, start + n));
      },
    }),
  };
  return ds as unknown as SampleDataset & { log: number[][] };
}

/**
 * Activate a backend for a test file through selectBackend, which also installs @cxr/core's
 * faster conv gradient kernels (the stock cpu filter gradient is ~13× slower than a whole step).
 */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  const { selectBackend } = await import('@cxr/core');
  await selectBackend({ backend: name });
}
