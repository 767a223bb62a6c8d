import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';

/** An optimizer by name (created for the run and disposed after it) or your own instance (kept). */
export type OptimizerSpec = 'adam' | 'sgd' | tf.Optimizer;

export interface ResolvedOptimizer {
  optimizer: tf.Optimizer;
  /** True when `fit` created it and must dispose its slot variables at the end. */
  owned: boolean;
}

export function resolveOptimizer(spec: OptimizerSpec = 'adam', learningRate = 0.01): ResolvedOptimizer {
  if (spec instanceof tf.Optimizer) return { optimizer: spec, owned: false };
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new CxrError('E_BAD_ARGUMENT', `learningRate must be a positive number, got ${learningRate}.`);
  }
  switch (spec) {
    // PyTorch's Adam defaults (betas 0.9/0.999, eps 1e-8); tfjs would use eps 1e-7.
    case 'adam':
      return { optimizer: tf.train.adam(learningRate, 0.9, 0.999, 1e-8), owned: true };
    case 'sgd':
      return { optimizer: tf.train.sgd(learningRate), owned: true };
    default:
      throw new CxrError('E_BAD_ARGUMENT', `Unknown optimizer "${String(spec)}". Use 'adam', 'sgd' or a tf.Optimizer.`);
  }
}
