import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { gatherTransform, type WarpOptions } from './gather-sampler.js';
import type { Sampler } from './options.js';

/**
 * How the stock `Transform` kernel of a backend can be used, as checked against TensorFlow's
 * semantics (test/augment.test.ts) for tfjs 4.22:
 * - cpu: correct per image, but for a batch it returns after the first image (the rest stay at
 *   the fill value) → one kernel call per image.
 * - wasm: `'reflect'` maps negative coordinates like `'wrap'` → the gather sampler for reflect.
 * - a backend without the kernel → the gather sampler.
 * Other backends (tensorflow, webgl, webgpu) are trusted with the whole batch.
 */
export type WarpPlan = 'kernel' | 'kernel-per-image' | 'gather';

export function planWarp(backend: string, fillMode: WarpOptions['fillMode'], sampler: Sampler = 'auto'): WarpPlan {
  if (sampler === 'gather') return 'gather';
  const hasKernel = tf.getKernel('Transform', backend) !== undefined;
  if (!hasKernel) {
    if (sampler === 'kernel') {
      throw new CxrError('E_BACKEND_UNAVAILABLE', `randomAugment: backend "${backend}" has no Transform kernel; use sampler 'auto' or 'gather'.`);
    }
    return 'gather';
  }
  if (backend === 'cpu') return 'kernel-per-image';
  if (sampler === 'auto' && backend === 'wasm' && fillMode === 'reflect') return 'gather';
  return 'kernel';
}

/**
 * Warp a batch [n, h, w, c] by projective transforms [n, 8] (or [1, 8] for all), output the same
 * size, float32. Runs `tf.image.transform` where the backend's kernel is right, the gather-based
 * sampler elsewhere; both give the same pixels (up to float rounding).
 */
export function warpImages(images: tf.Tensor4D, transforms: tf.Tensor2D, options: WarpOptions, sampler: Sampler = 'auto'): tf.Tensor4D {
  const plan = planWarp(tf.getBackend(), options.fillMode, sampler);
  return tf.tidy(() => {
    const image = tf.cast(images, 'float32') as tf.Tensor4D;
    if (plan === 'gather') return gatherTransform(image, transforms, options);
    const run = (x: tf.Tensor4D, t: tf.Tensor2D): tf.Tensor4D =>
      tf.image.transform(x, t, options.interpolation, options.fillMode, options.fillValue);
    const n = image.shape[0];
    if (plan === 'kernel' || n === 1) return run(image, transforms);
    const one = transforms.shape[0] === 1;
    const parts = tf.unstack(image).map((img, i) =>
      run(tf.expandDims(img, 0) as tf.Tensor4D, one ? transforms : (tf.slice(transforms, [i, 0], [1, 8]) as tf.Tensor2D)),
    );
    return tf.concat(parts, 0) as tf.Tensor4D;
  });
}
