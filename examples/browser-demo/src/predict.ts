import * as tf from '@tensorflow/tfjs-core';
import { rawImageToTensor, type RawImage } from '@cxr/data';
import { decodeBrowserImage, fitImageSize } from '@cxr/data/browser';
import { gradCam } from '@cxr/explain';
import { toProbabilities, type LoadedModel } from './model.js';

export type InputScaling = 'unit' | 'symmetric';

export interface Prediction {
  probabilities: number[];
  /** Decoded image, cropped like the model input, at display size [h, w, c] in [0, 1]; dispose when done. */
  display: tf.Tensor3D;
  /** Grad-CAM heatmap [h', w'] in [0, 1] for the top class; dispose when done. */
  heatmap: tf.Tensor2D;
  /** Size the browser decoded to (huge images are downscaled while decoding). */
  decoded: { width: number; height: number };
  timings: { decodeMs: number; predictMs: number; gradCamMs: number };
}

const DISPLAY_SIDE = 320;

/**
 * The model input for decoded pixels: cover-resize + centre crop to the model's [h, w] with tf ops
 * (`fitImageSize`, as Node's reference does), scaled to [0, 1] or [-1, 1]; [1, h, w, c].
 */
export function modelInput(raw: RawImage, loaded: LoadedModel, scaling: InputScaling): tf.Tensor4D {
  return tf.tidy(() => {
    const full = rawImageToTensor(raw);
    const fitted = fitImageSize(full, [loaded.inputShape[0], loaded.inputShape[1]], 'cover');
    const scaled = scaling === 'symmetric' ? tf.sub(tf.mul(fitted, 2), 1) : fitted;
    return tf.expandDims(scaled, 0) as tf.Tensor4D;
  });
}

/** Decode one dropped image, classify it and compute its Grad-CAM; timings per stage. */
export async function predictImage(loaded: LoadedModel, file: Blob, name: string, scaling: InputScaling): Promise<Prediction> {
  const t0 = performance.now();
  const raw = await decodeBrowserImage(file, { channels: loaded.inputShape[2], name });
  const input = modelInput(raw, loaded, scaling);
  const display = displayImage(raw, loaded);
  const t1 = performance.now();
  try {
    const probs = tf.tidy(() => toProbabilities(loaded, loaded.model.predict(input) as tf.Tensor2D));
    const probabilities = Array.from(await probs.data());
    probs.dispose();
    const t2 = performance.now();
    const maps = gradCam(loaded.model, input);
    const heatmap = tf.squeeze(maps, [0]) as tf.Tensor2D;
    maps.dispose();
    await heatmap.data();
    const t3 = performance.now();
    return {
      probabilities,
      display,
      heatmap,
      decoded: { width: raw.width, height: raw.height },
      timings: { decodeMs: t1 - t0, predictMs: t2 - t1, gradCamMs: t3 - t2 },
    };
  } catch (error) {
    display.dispose();
    throw error;
  } finally {
    input.dispose();
  }
}

/** The same crop as the model input, at up to DISPLAY_SIDE px on its longer side, so the overlay is not a blur of 64 px. */
function displayImage(raw: RawImage, loaded: LoadedModel): tf.Tensor3D {
  const [h, w] = loaded.inputShape;
  const scale = Math.min(DISPLAY_SIDE / Math.max(h, w), Math.min(raw.height / h, raw.width / w));
  const size: [number, number] = [Math.max(1, Math.round(h * Math.max(scale, 1))), Math.max(1, Math.round(w * Math.max(scale, 1)))];
  return tf.tidy(() => fitImageSize(rawImageToTensor(raw), size, 'cover'));
}
