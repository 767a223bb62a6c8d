import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { takeOptimizerSnapshot, type OptimizerSnapshot } from './optimizer-state.js';
import { shareData } from './share-data.js';

/**
 * The NaN/Inf guard's undo record for one training step: every model weight (BatchNorm's moving
 * statistics move in the forward pass, before the loss is known) and the optimizer state. The
 * copies share the buffers (`shareData`; `tf.clone` would copy on wasm), so taking one costs no
 * copying; the old buffers just live until the step is judged good.
 */
export class StepGuard {
  private readonly weights: tf.Tensor[];
  private readonly optimizer: OptimizerSnapshot;

  constructor(
    private readonly model: tfl.LayersModel,
    optimizer: tf.Optimizer,
  ) {
    this.weights = model.weights.map((w) => shareData(w.read()));
    this.optimizer = takeOptimizerSnapshot(optimizer, shareData);
  }

  /**
   * The weights the step replaced (their buffer is not the one saved): only these can have turned
   * non-finite, so frozen backbones are not re-scanned every step.
   */
  changed(): tf.Tensor[] {
    return this.model.weights.map((w) => w.read()).filter((t, i) => t.dataId !== (this.weights[i] as tf.Tensor).dataId);
  }

  /** Put the weights and the optimizer back as they were before the step. */
  restore(): void {
    this.model.weights.forEach((w, i) => (w.read() as tf.Variable).assign(this.weights[i] as tf.Tensor));
    this.optimizer.restore();
    tf.dispose(this.weights);
  }

  discard(): void {
    this.optimizer.discard();
    tf.dispose(this.weights);
  }
}

/** True when every value of `tensors` is finite (Σ of sums: a NaN or ±Inf anywhere makes it non-finite). */
export async function allFinite(tensors: readonly tf.Tensor[]): Promise<boolean> {
  if (tensors.length === 0) return true;
  const total = tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.cast(t, 'float32')))));
  try {
    return Number.isFinite((await total.data())[0]);
  } finally {
    total.dispose();
  }
}
