import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { OnProgress } from '@cxr/core';
import { checkBatch, disposeBatch, type BatchLike } from './data-source.js';

/**
 * Run the model in inference mode (dropout off) over every batch; `perBatch` turns the
 * outputs into whatever the caller collects and must return plain data (its tensors are
 * freed here). Batches are disposed as they are used.
 */
export async function forEachInference<T>(
  model: tfl.LayersModel,
  batches: AsyncIterable<BatchLike>,
  perBatch: (outputs: tf.Tensor, batch: BatchLike, size: number) => Promise<T>,
  progress: { phase: string; total: number | undefined; onProgress?: OnProgress | undefined; signal?: AbortSignal | undefined },
): Promise<T[]> {
  const results: T[] = [];
  for await (const batch of batches) {
    try {
      progress.signal?.throwIfAborted();
      const size = checkBatch(batch, progress.phase, model);
      const outputs = tf.tidy(() => model.apply(batch.images, { training: false }) as tf.Tensor);
      try {
        results.push(await perBatch(outputs, batch, size));
      } finally {
        outputs.dispose();
      }
      progress.onProgress?.({
        phase: progress.phase,
        current: results.length,
        ...(progress.total !== undefined ? { total: progress.total } : {}),
      });
    } finally {
      disposeBatch(batch);
    }
  }
  return results;
}
