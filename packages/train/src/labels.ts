import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';

/** Labels of a batch: class indices [n] (int32, as datasets yield them) or one-hot / soft targets [n, k]. */
export type Labels = tf.Tensor1D | tf.Tensor2D;

const columns = (outputs: tf.Tensor): number => (outputs.rank === 2 ? (outputs.shape[1] as number) : 1);

/**
 * Labels as float targets shaped like the outputs [n, k]: class indices become one-hot rows
 * (a single column for a one-output model); rank-2 labels are taken as given. Must run in a tidy.
 */
export function targetsLike(labels: Labels, outputs: tf.Tensor, where: string): tf.Tensor2D {
  const n = outputs.shape[0] as number;
  const k = columns(outputs);
  if (outputs.rank !== 2 || labels.shape[0] !== n) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `${where}: expected outputs [n, classes] and n labels, got outputs [${outputs.shape}] and labels [${labels.shape}].`,
    );
  }
  if (labels.rank === 2) {
    if (labels.shape[1] !== k) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `${where}: one-hot labels have ${labels.shape[1]} columns but the model outputs ${k}.`,
      );
    }
    return tf.cast(labels, 'float32') as tf.Tensor2D;
  }
  if (k === 1) return tf.reshape(tf.cast(labels, 'float32'), [n, 1]);
  return tf.cast(tf.oneHot(tf.cast(labels, 'int32'), k), 'float32') as tf.Tensor2D;
}

/** Class indices [n] int32: the labels themselves, or the arg-max of one-hot rows. Must run in a tidy. */
export function classIndices(labels: Labels): tf.Tensor1D {
  return labels.rank === 2 ? (tf.argMax(labels, 1) as tf.Tensor1D) : (tf.cast(labels, 'int32') as tf.Tensor1D);
}

/**
 * How many class-index labels name a class the model does not have (outside [0, k), or
 * outside {0, 1} for a one-output model), as an int32 scalar read with the step's other values.
 * One-hot labels are checked for their width by `targetsLike` instead.
 */
export function invalidLabelCount(labels: Labels, outputs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (labels.rank === 2) return tf.scalar(0, 'int32');
    const k = Math.max(2, columns(outputs));
    const x = tf.cast(labels, 'float32');
    const bad = tf.logicalOr(
      tf.logicalOr(tf.less(x, 0), tf.greaterEqual(x, k)),
      tf.notEqual(x, tf.round(x)),
    );
    return tf.sum(tf.cast(bad, 'int32'));
  });
}

export function unknownClassError(where: string, count: number, outputShape: readonly number[]): CxrError {
  const classes = Math.max(2, outputShape.length === 2 ? (outputShape[1] as number) : 1);
  return new CxrError(
    'E_UNKNOWN_CLASS',
    `${where}: ${count} label(s) name a class the model does not have (it has ${classes} classes, ` +
      'labels must be integers in [0, classes)). Check the dataset classes against the model’s numClasses.',
  );
}
