import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { applyColormap, type ColormapName } from './colormap.js';

export interface OverlayOptions {
  /** Opacity of the heatmap (default 0.4). */
  alpha?: number;
  colormap?: ColormapName;
}

/**
 * Blend a heatmap [h', w'] in [0, 1] over an image [h, w, 1|3] in [0, 1]; the heatmap is resized
 * (bilinear) to the image, as Grad-CAM's coarse maps need.
 */
export function overlayHeatmap(image: tf.Tensor3D, heatmap: tf.Tensor2D, options: OverlayOptions = {}): tf.Tensor3D {
  const alpha = options.alpha ?? 0.4;
  if (!(alpha >= 0 && alpha <= 1)) throw new CxrError('E_BAD_ARGUMENT', `overlayHeatmap: alpha must be in [0, 1], got ${alpha}.`);
  if (image.rank !== 3 || (image.shape[2] !== 1 && image.shape[2] !== 3)) {
    throw new CxrError('E_SHAPE_MISMATCH', `overlayHeatmap: image must be [h, w, 1|3], got [${image.shape.join(', ')}].`);
  }
  return tf.tidy(() => {
    const [h, w] = image.shape;
    const resized = tf.squeeze(tf.image.resizeBilinear(tf.expandDims(heatmap, -1) as tf.Tensor3D, [h, w], false, true), [2]) as tf.Tensor2D;
    const colored = applyColormap(resized, options.colormap ?? 'jet');
    const rgb = image.shape[2] === 1 ? tf.tile(image, [1, 1, 3]) : image;
    return tf.add(tf.mul(rgb, 1 - alpha), tf.mul(colored, alpha)) as tf.Tensor3D;
  });
}
