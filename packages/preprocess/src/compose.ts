import * as tf from '@tensorflow/tfjs-core';

export type Transform<T extends tf.Tensor = tf.Tensor> = (image: T) => T;

/** torchvision `Compose`: apply transforms left to right, disposing every intermediate. */
export function compose<T extends tf.Tensor>(...transforms: Transform<T>[]): Transform<T> {
  return (image) => tf.tidy(() => transforms.reduce((x, t) => t(x), image));
}
