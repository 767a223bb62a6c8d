// Browser-style code (extensionless imports, main entries only: no /node subpaths, no fs).
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { resizeAndCenterCrop, toFloat } from '@cxr/preprocess';
import { gradCam } from '@cxr/explain';
import { argmaxPredictions } from '@cxr/metrics';

/** Classify RGBA pixels (an ImageData) with a 32 px model and explain the decision. */
export function classifyPixels(model: LayersModel, pixels: { data: Uint8ClampedArray; width: number; height: number }) {
  return tf.tidy(() => {
    const rgba = tf.tensor3d(Int32Array.from(pixels.data), [pixels.height, pixels.width, 4], 'int32');
    const rgb = tf.slice(rgba, [0, 0, 0], [-1, -1, 3]);
    const input = tf.expandDims(resizeAndCenterCrop(toFloat(rgb) as tf.Tensor3D, 32), 0) as tf.Tensor4D;
    const probs = model.predict(input) as tf.Tensor2D;
    const heatmap = gradCam(model, input);
    const [best] = argmaxPredictions(probs.arraySync());
    return { classIndex: best ?? -1, probabilities: probs.arraySync()[0] ?? [], heatmapShape: heatmap.shape };
  });
}
