import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';

export interface SaliencyOptions {
  /**
   * Output unit to explain. For a single-logit binary model (like seed 000's) unit 0 is the
   * positive class; pass `sign: -1` to explain the negative class.
   */
  classIndex?: number;
  /** Multiply the score by this before differentiating (−1 explains "not positive"). */
  sign?: 1 | -1;
}

/**
 * Vanilla gradient saliency (Simonyan et al. 2014): |∂score/∂pixel|, max over channels,
 * normalised to [0, 1]. Input one image [h, w, c]; returns [h, w]. Works with any model, any
 * backend; no inner layer needed (Grad-CAM, which taps a conv layer, comes with the seed-003 work).
 */
export function saliencyMap(model: LayersModel, image: tf.Tensor3D, options: SaliencyOptions = {}): tf.Tensor2D {
  const inputShape = model.inputs[0]?.shape ?? [];
  if (image.rank !== 3 || inputShape.slice(1).some((d, i) => d !== null && d !== image.shape[i])) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `saliencyMap: the model takes [${inputShape.slice(1).join(', ')}] but the image is [${image.shape.join(', ')}]. Resize it first.`,
    );
  }
  const units = (model.outputs[0]?.shape.at(-1) ?? 1) as number;
  const classIndex = options.classIndex ?? 0;
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= units) {
    throw new CxrError('E_BAD_ARGUMENT', `saliencyMap: classIndex must be in [0, ${units - 1}], got ${classIndex}.`);
  }
  const sign = options.sign ?? 1;
  return tf.tidy(() => {
    const score = (x: tf.Tensor): tf.Scalar => {
      const out = model.apply(x, { training: false }) as tf.Tensor2D;
      return tf.mul(tf.sum(tf.slice(out, [0, classIndex], [-1, 1])), sign) as tf.Scalar;
    };
    const grad = tf.grad(score)(tf.expandDims(image, 0));
    const map = tf.max(tf.abs(tf.squeeze(grad, [0])), 2) as tf.Tensor2D;
    const max = tf.max(map);
    return tf.div(map, tf.maximum(max, 1e-12)) as tf.Tensor2D;
  });
}
