import * as tf from '@tensorflow/tfjs-core';
import { overlayHeatmap } from '@cxr/explain';

/** Draw the image with its Grad-CAM heatmap blended at `opacity` (0 = image only, 1 = heatmap only). */
export async function drawOverlay(canvas: HTMLCanvasElement, image: tf.Tensor3D, heatmap: tf.Tensor2D, opacity: number): Promise<void> {
  const blended = tf.tidy(() => tf.clipByValue(overlayHeatmap(image, heatmap, { alpha: opacity, colormap: 'jet' }), 0, 1) as tf.Tensor3D);
  try {
    await tf.browser.toPixels(blended, canvas);
  } finally {
    blended.dispose();
  }
}
