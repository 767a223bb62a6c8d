import * as tf from '@tensorflow/tfjs-core';

/**
 * How many predictions are right, as an int32 scalar (stays on the device until read).
 * One output column: positive when sigmoid(logit) > threshold (the article's `> .5`);
 * several columns: the arg-max class.
 */
export function countCorrect(labels: tf.Tensor1D, outputs: tf.Tensor, threshold = 0.5): tf.Scalar {
  return tf.tidy(() => {
    const predicted =
      outputs.rank === 2 && outputs.shape[1] !== 1
        ? tf.argMax(outputs, 1)
        : tf.cast(tf.greater(tf.sigmoid(tf.reshape(outputs, [-1])), threshold), 'int32');
    return tf.sum(tf.cast(tf.equal(predicted, tf.cast(labels, 'int32')), 'int32'));
  });
}
