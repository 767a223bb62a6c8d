import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';

/**
 * Keras `imagenet_utils.preprocess_input` modes:
 * - `'tf'`: scale to [-1, 1] (`x / 127.5 − 1`) — MobileNet, MobileNetV2, EfficientNet… (Keras `tf` mode);
 * - `'torch'`: `x / 255`, then per-channel ImageNet mean/std (RGB);
 * - `'caffe'`: RGB → BGR, then subtract the ImageNet BGR means, no scaling (VGG16, ResNet50);
 * - `'none'`: identity (a backbone that normalises inside the graph).
 */
export type PreprocessMode = 'tf' | 'torch' | 'caffe' | 'none';

export interface PreprocessOptions {
  /** Keras mode (default 'tf', MobileNetV2's). */
  mode?: PreprocessMode;
  /**
   * Largest value of the input range: 255 (default, Keras' convention: raw 0…255 pixels) or 1
   * for images already scaled to [0, 1] (e.g. the article's `img / 255`). With 1, 'tf' mode
   * is `x · 2 − 1`, i.e. exactly what `x · 255 / 127.5 − 1` gives.
   */
  inputMax?: 255 | 1;
}

const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68];
const TORCH_MEAN = [0.485, 0.456, 0.406];
const TORCH_STD = [0.229, 0.224, 0.225];

/**
 * Backbone input normalisation, as Keras' `preprocess_input` does it for each mode, on a
 * channels-last float tensor (any rank, last axis = 3 channels for 'caffe'/'torch'). Returns a
 * new float32 tensor; the input is not disposed. See `backbonePreprocessMode(name)` for the
 * mode each backbone expects.
 */
export function preprocessInput<T extends tf.Tensor>(x: T, options: PreprocessOptions = {}): T {
  const mode = options.mode ?? 'tf';
  const inputMax = options.inputMax ?? 255;
  if (inputMax !== 255 && inputMax !== 1) {
    throw new CxrError('E_BAD_ARGUMENT', `preprocessInput: inputMax must be 255 or 1, got ${String(inputMax)}.`);
  }
  return tf.tidy(() => {
    const f = tf.cast(x, 'float32');
    switch (mode) {
      case 'tf':
        return (inputMax === 1 ? tf.sub(tf.mul(f, 2), 1) : tf.sub(tf.div(f, 127.5), 1)) as T;
      case 'none':
        return tf.clone(f) as T;
      case 'torch':
      case 'caffe': {
        if (x.shape[x.rank - 1] !== 3) {
          throw new CxrError(
            'E_SHAPE_MISMATCH',
            `preprocessInput('${mode}'): the last axis must hold 3 (RGB) channels, got shape [${x.shape.join(', ')}].`,
          );
        }
        if (mode === 'torch') {
          const unit = inputMax === 1 ? f : tf.div(f, 255);
          return tf.div(tf.sub(unit, tf.tensor1d(TORCH_MEAN)), tf.tensor1d(TORCH_STD)) as T;
        }
        const raw = inputMax === 1 ? tf.mul(f, 255) : f;
        return tf.sub(tf.reverse(raw, -1), tf.tensor1d(CAFFE_MEAN_BGR)) as T;
      }
      default:
        throw new CxrError('E_BAD_ARGUMENT', `preprocessInput: unknown mode ${JSON.stringify(mode)}; use 'tf', 'torch', 'caffe' or 'none'.`);
    }
  });
}
