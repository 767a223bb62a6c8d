import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { checkMembers, ensembleInput, memberNames } from './members.js';

/**
 * Mean of the members' probabilities as one model (no trainable weights, nothing to fit): one
 * input → every member (nested, shared layers) → `average`. Members must output probabilities
 * of the same classes from the same input shape (`E_SHAPE_MISMATCH`).
 */
export function averageEnsemble(members: tfl.LayersModel[], options: { name?: string } = {}): tfl.LayersModel {
  const info = checkMembers(members, 'averageEnsemble');
  const input = ensembleInput(info);
  const names = memberNames(members);
  const outs = members.map((m, i) =>
    tfl.model({ inputs: m.inputs, outputs: m.outputs, name: names[i] as string }).apply(input) as tfl.SymbolicTensor,
  );
  const output = outs.length === 1 ? (outs[0] as tfl.SymbolicTensor) : (tfl.layers.average({ name: 'average' }).apply(outs) as tfl.SymbolicTensor);
  return tfl.model({ inputs: input, outputs: output, name: options.name ?? 'average_ensemble' });
}

export interface VotingEnsemble {
  readonly members: readonly tfl.LayersModel[];
  readonly numClasses: number;
  /**
   * Majority vote of the members' arg-max classes [n] int32; ties go to the tied class with the
   * highest mean probability (then the lowest index). Runs the members in inference mode.
   */
  predict(images: tf.Tensor): tf.Tensor1D;
  /** Vote shares [n, k] (votes / members). */
  votes(images: tf.Tensor): tf.Tensor2D;
}

/** Hard (majority) voting over members' arg-max predictions; see `VotingEnsemble.predict`. */
export function votingEnsemble(members: tfl.LayersModel[]): VotingEnsemble {
  const info = checkMembers(members, 'votingEnsemble');
  const k = info.numClasses;
  const check = (images: tf.Tensor): void => {
    if (images.rank !== info.inputShape.length + 1 || images.shape.slice(1).join(',') !== info.inputShape.join(',')) {
      throw new CxrError('E_SHAPE_MISMATCH', `votingEnsemble: images [${images.shape}] do not match the members' input [batch, ${info.inputShape}].`);
    }
  };
  const tally = (images: tf.Tensor): { votes: tf.Tensor2D; mean: tf.Tensor2D } => {
    const probs = members.map((m) => m.predict(images) as tf.Tensor2D);
    const votes = tf.addN(probs.map((p) => tf.oneHot(tf.argMax(p, 1) as tf.Tensor1D, k))) as tf.Tensor2D;
    const mean = tf.div(tf.addN(probs), members.length) as tf.Tensor2D;
    return { votes: tf.cast(votes, 'float32') as tf.Tensor2D, mean };
  };
  return {
    members,
    numClasses: k,
    predict(images) {
      check(images);
      return tf.tidy(() => {
        const { votes, mean } = tally(images);
        // Votes differ by ≥ 1 between classes; mean probabilities ∈ [0, 1] scaled by 0.5 only break ties.
        return tf.cast(tf.argMax(tf.add(votes, tf.mul(tf.clipByValue(mean, 0, 1), 0.5)), 1), 'int32') as tf.Tensor1D;
      });
    },
    votes(images) {
      check(images);
      return tf.tidy(() => tf.div(tally(images).votes, members.length) as tf.Tensor2D);
    },
  };
}
