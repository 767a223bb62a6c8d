import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, CxrError } from '@cxr/core';

/**
 * A backbone's BatchNormalization momentum: `value`, else `fallback` (what Keras uses for that
 * network); outside [0, 1) is `E_BAD_ARGUMENT` naming the backbone.
 */
export function batchNormMomentum(what: string, value: number | undefined, fallback: number): number {
  const momentum = value ?? fallback;
  if (!(momentum >= 0 && momentum < 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `${what}: batchNormMomentum must be in [0, 1), got ${String(momentum)}.`);
  }
  return momentum;
}

/**
 * Glorot-uniform kernel initializers (Keras' default), one per call: with a `seed`, each draws its
 * own seed from one stream, so a network built twice with the same seed has the same weights.
 */
export function seededGlorot(seed: number | undefined): () => ReturnType<typeof tfl.initializers.glorotUniform> {
  const rng = seed === undefined ? null : createRng(seed);
  return () => tfl.initializers.glorotUniform(rng ? { seed: rng.seed() } : {});
}
