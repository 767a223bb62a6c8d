import * as tf from '@tensorflow/tfjs-core';
import { classIndices, type Labels } from './labels.js';

/**
 * How many predictions are right, as an int32 scalar (stays on the device until read).
 * One output column: positive when sigmoid(logit) > threshold (the article's `> .5`);
 * several columns: the arg-max class (Keras `categorical_accuracy`). Labels are class indices
 * [n] or one-hot rows [n, k] (compared by their arg-max).
 */
export function countCorrect(labels: Labels, outputs: tf.Tensor, threshold = 0.5): tf.Scalar {
  return tf.tidy(() => {
    const predicted =
      outputs.rank === 2 && outputs.shape[1] !== 1
        ? tf.argMax(outputs, 1)
        : tf.cast(tf.greater(tf.sigmoid(tf.reshape(outputs, [-1])), threshold), 'int32');
    const truth = labels.rank === 2 && labels.shape[1] === 1 ? tf.cast(tf.reshape(labels, [-1]), 'int32') : classIndices(labels);
    return tf.sum(tf.cast(tf.equal(predicted, truth), 'int32'));
  });
}
