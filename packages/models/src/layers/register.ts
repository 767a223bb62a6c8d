import * as tf from '@tensorflow/tfjs-core';
import { AdaptiveAveragePooling2D } from './adaptive-average-pooling.js';
import { KerasNormalization } from './keras-normalization.js';

/**
 * Make cxr's custom layers known to tfjs deserialisation, so a saved model that uses them
 * loads again. Idempotent. Called by every builder and loader rather than at import time,
 * because the package is `sideEffects: false` and a bundler may drop a bare import.
 */
export function registerCustomLayers(): void {
  tf.serialization.registerClass(AdaptiveAveragePooling2D);
  tf.serialization.registerClass(KerasNormalization);
}
