import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';

/** Control points of matplotlib's colormaps (evenly spaced in [0, 1]), interpolated linearly. */
const COLORMAPS = {
  // matplotlib 'jet' (the Grad-CAM convention of the articles)
  jet: [
    [0, 0, 0.5],
    [0, 0, 1],
    [0, 0.5, 1],
    [0, 1, 1],
    [0.5, 1, 0.5],
    [1, 1, 0],
    [1, 0.5, 0],
    [1, 0, 0],
    [0.5, 0, 0],
  ],
  // matplotlib 'viridis', sampled at 9 points
  viridis: [
    [0.267, 0.005, 0.329],
    [0.283, 0.141, 0.458],
    [0.254, 0.265, 0.53],
    [0.207, 0.372, 0.553],
    [0.164, 0.471, 0.558],
    [0.128, 0.567, 0.551],
    [0.135, 0.659, 0.518],
    [0.267, 0.749, 0.441],
    [0.478, 0.821, 0.318],
    [0.741, 0.873, 0.15],
    [0.993, 0.906, 0.144],
  ],
  gray: [
    [0, 0, 0],
    [1, 1, 1],
  ],
} as const;

export type ColormapName = keyof typeof COLORMAPS;

/**
 * Map a heatmap [h, w] (or [h, w, 1]) with values in [0, 1] to RGB [h, w, 3] in [0, 1].
 * Pure tf ops, so it runs on the GPU in a browser.
 */
export function applyColormap(heatmap: tf.Tensor2D | tf.Tensor3D, name: ColormapName = 'jet'): tf.Tensor3D {
  const stops = COLORMAPS[name];
  if (!stops) throw new CxrError('E_BAD_ARGUMENT', `Unknown colormap "${String(name)}". Use one of: ${Object.keys(COLORMAPS).join(', ')}.`);
  return tf.tidy(() => {
    const h = heatmap.rank === 3 ? tf.squeeze(heatmap, [2]) : heatmap;
    const segments = stops.length - 1;
    const t = tf.mul(tf.clipByValue(h, 0, 1), segments);
    const index = tf.minimum(tf.floor(t), segments - 1);
    const frac = tf.expandDims(tf.sub(t, index), -1);
    const table = tf.tensor2d(stops.map((s) => [...s]), [stops.length, 3]);
    const lowerIndex = tf.cast(index, 'int32');
    const lower = tf.gather(table, lowerIndex);
    const upper = tf.gather(table, tf.add(lowerIndex, tf.scalar(1, 'int32')));
    return tf.add(lower, tf.mul(tf.sub(upper, lower), frac)) as tf.Tensor3D;
  });
}
