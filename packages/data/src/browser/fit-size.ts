import * as tf from '@tensorflow/tfjs-core';
import { checkResizeMode, resizePlan, type ImageSize, type ResizeMode } from '../resize-plan.js';

/**
 * Bring an image tensor [h, w, c] to `imageSize` with the same plan as `@cxr/data/node`'s decoder
 * ('cover': shorter side to S then the torchvision centre crop; 'stretch': exactly [h, w]), but
 * with tf ops (bilinear, half-pixel centres = OpenCV INTER_LINEAR), so a browser and Node give the
 * same pixels for the same decoded image on every backend. Always returns a new tensor; the caller
 * disposes both.
 */
export function fitImageSize(image: tf.Tensor3D, imageSize: ImageSize | undefined, mode: ResizeMode = 'cover'): tf.Tensor3D {
  checkResizeMode(mode);
  const [height, width] = image.shape;
  const plan = resizePlan(width, height, imageSize, mode);
  return tf.tidy(() => {
    let out: tf.Tensor3D = image;
    if (plan.resize) out = tf.image.resizeBilinear(out, [plan.resize.height, plan.resize.width], false, true);
    if (plan.crop) out = tf.slice(out, [plan.crop.top, plan.crop.left, 0], [plan.crop.height, plan.crop.width, -1]);
    return out === image ? tf.clone(image) : out;
  });
}
