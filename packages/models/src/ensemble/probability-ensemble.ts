import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@cxr/core';
import { checkMembers, concatOrSingle, ensembleInput, frozenSubModel, memberNames } from './members.js';
import { applyFrozen } from './frozen-features.js';

export interface ProbabilityEnsembleOptions {
  /** Classes of the ensemble's Dense softmax (default: the members' output width, which must agree). */
  numClasses?: number;
  /** Seeds the Glorot-uniform kernel of the trainable Dense. Unseeded when omitted. */
  seed?: number;
  /** Model name (default 'probability_ensemble'). */
  name?: string;
}

/**
 * The seed-002 article's "ensemble at the probability level": one input → every member
 * (frozen, nested as a sub-model) → `concatenate(name='concatallprobs')` of their outputs
 * (softmax probabilities) → `Dense(numClasses, softmax, name='predictions')`, the only
 * trainable layer: M·K·numClasses + numClasses parameters (3 members × 3 classes → 30).
 * Members must share the input shape and the class count (`E_SHAPE_MISMATCH`).
 */
export function probabilityEnsemble(members: tfl.LayersModel[], options: ProbabilityEnsembleOptions = {}): tfl.LayersModel {
  const info = checkMembers(members, 'probabilityEnsemble');
  const numClasses = options.numClasses ?? info.numClasses;
  const rng = options.seed === undefined ? null : createRng(options.seed);
  const input = ensembleInput(info);
  const names = memberNames(members);
  const outs = members.map((m, i) => {
    const sub = frozenSubModel(m, m.outputs[0] as tfl.SymbolicTensor, names[i] as string);
    return applyFrozen(sub, input, names[i] as string);
  });
  const merged = concatOrSingle(outs, 'concatallprobs');
  const output = tfl.layers
    .dense({
      units: numClasses,
      activation: 'softmax',
      name: 'predictions',
      kernelInitializer: tfl.initializers.glorotUniform(rng ? { seed: rng.seed() } : {}),
      biasInitializer: tfl.initializers.zeros(),
    })
    .apply(merged) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: options.name ?? 'probability_ensemble' });
}
