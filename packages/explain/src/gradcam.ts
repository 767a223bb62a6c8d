import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { convLayerCandidates, runFromTap, runGraph, tapGraph } from './graph.js';

export interface GradCamOptions {
  /**
   * The layer whose feature maps are weighted (e.g. MobileNetV2's `block_16_depthwise`, as the
   * seed-003 article). Default: the last conv layer (Conv2D / DepthwiseConv2D / SeparableConv2D
   * with a 4-D output, or the batch norm / activation right after it), found automatically.
   */
  layerName?: string;
  /**
   * Output unit to explain: one for every image, or one per image. Default: each image's
   * predicted class (arg-max of the output; for a single-output sigmoid model, unit 0, the
   * positive class — Grad-CAM then shows what speaks *for* the positive class).
   */
  classIndex?: number | readonly number[];
  /**
   * Resize the heatmaps (bilinear, half-pixel centres) to the input images' size (`true`) or to
   * `[height, width]`, then normalise again to a maximum of 1. Default false: the conv layer's
   * resolution [h', w'].
   */
  resize?: boolean | readonly [number, number];
  /** Images per forward/backward pass (default 16). */
  batchSize?: number;
}

type Method = 'gradcam' | 'gradcam++';

/**
 * Grad-CAM (Selvaraju et al. 2017), as the seed-003 article and the Keras tutorial compute it:
 * the gradient of the class score `preds[:, c]` (the model output, e.g. a softmax probability)
 * with respect to the conv layer's feature maps A; channel weights = the spatial mean of those
 * gradients; heatmap = ReLU(Σ_k w_k A_k), divided by its maximum (an all-zero map stays zero).
 *
 * `images` is [n, h, w, c] (or one image [h, w, c]); returns [n, h', w'] in [0, 1] at the layer's
 * resolution (or resized, see `resize`). Runs in inference mode (dropout off, batch-norm moving
 * statistics), leaks no tensors, works on any backend. The model must be one functional graph
 * (a conv layer inside a nested model cannot be tapped; our backbones are flat).
 *
 * Errors: `E_BAD_ARGUMENT` for an unknown or non-4-D `layerName` (the message lists the conv
 * layers that can be used) or a bad `classIndex`; `E_SHAPE_MISMATCH` for images the model does not take.
 */
export function gradCam(model: LayersModel, images: tf.Tensor3D | tf.Tensor4D, options: GradCamOptions = {}): tf.Tensor3D {
  return classActivationMap(model, images, options, 'gradcam', 'gradCam');
}

/**
 * Grad-CAM++ (Chattopadhay et al. 2018): like `gradCam`, but each channel's weight is
 * Σ_ij α_ij ReLU(∂S/∂A_ij) with α = g² / (2g² + Σ_ab A_ab · g³) (the usual closed form with
 * higher derivatives approximated by powers of the first, as in the authors' code). Tends to
 * cover several instances of a class (e.g. both lungs) better than Grad-CAM. Same options and output.
 */
export function gradCamPlusPlus(model: LayersModel, images: tf.Tensor3D | tf.Tensor4D, options: GradCamOptions = {}): tf.Tensor3D {
  return classActivationMap(model, images, options, 'gradcam++', 'gradCamPlusPlus');
}

/** The layer `gradCam` uses by default: the last conv layer (see `GradCamOptions.layerName`). */
export function defaultGradCamLayer(model: LayersModel): string {
  const candidates = convLayerCandidates(model);
  const last = candidates.at(-1);
  if (last === undefined) {
    throw new CxrError('E_BAD_ARGUMENT', 'gradCam: the model has no conv layer with a 4-D output to take Grad-CAM at; pass layerName.');
  }
  return last;
}

function listCandidates(candidates: string[]): string {
  if (candidates.length === 0) return 'none (the model has no conv layer)';
  const shown = candidates.slice(-30);
  return (candidates.length > shown.length ? `… (${candidates.length - shown.length} earlier), ` : '') + shown.join(', ');
}

function classActivationMap(
  model: LayersModel,
  images: tf.Tensor3D | tf.Tensor4D,
  options: GradCamOptions,
  method: Method,
  where: string,
): tf.Tensor3D {
  const single = images.rank === 3;
  const inputShape = model.inputs[0]?.shape ?? [];
  const imageShape = single ? images.shape : images.shape.slice(1);
  if ((images.rank !== 3 && images.rank !== 4) || inputShape.slice(1).some((d, i) => d !== null && d !== imageShape[i])) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `${where}: the model takes images [${inputShape.slice(1).join(', ')}] but got [${images.shape.join(', ')}]. Resize (or convert gray/RGB) first.`,
    );
  }
  if (model.inputs.length !== 1) throw new CxrError('E_BAD_ARGUMENT', `${where}: only single-input models are supported.`);
  const layerName = options.layerName ?? defaultGradCamLayer(model);
  const graph = tapGraph(model, layerName);
  const tapOutput = graph?.tapNode.outputTensors[0] as SymbolicTensor | undefined;
  if (!graph || !tapOutput || tapOutput.shape.length !== 4) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `${where}: ${graph ? `layer "${layerName}" does not output 4-D feature maps [n, h, w, c]` : `no layer named "${layerName}" in the model`}. ` +
        `Conv layers you can use: ${listCandidates(convLayerCandidates(model))}.`,
    );
  }
  const n = single ? 1 : (images.shape[0] as number);
  const units = (model.outputs[0]?.shape.at(-1) ?? 1) as number;
  const requested = options.classIndex;
  if (requested !== undefined) {
    const list = typeof requested === 'number' ? [requested] : [...requested];
    if (typeof requested !== 'number' && list.length !== n) {
      throw new CxrError('E_BAD_ARGUMENT', `${where}: classIndex has ${list.length} entries for ${n} images.`);
    }
    for (const c of list) {
      if (!Number.isInteger(c) || c < 0 || c >= units) {
        throw new CxrError('E_BAD_ARGUMENT', `${where}: classIndex must be an integer in [0, ${units - 1}], got ${c}.`);
      }
    }
  }
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new CxrError('E_BAD_ARGUMENT', `${where}: batchSize must be a positive integer, got ${batchSize}.`);
  const resize = options.resize === true ? [imageShape[0] as number, imageShape[1] as number] : options.resize || null;
  if (resize && (resize.length !== 2 || !resize.every((d) => Number.isInteger(d) && d > 0))) {
    throw new CxrError('E_BAD_ARGUMENT', `${where}: resize must be true, false or [height, width], got ${JSON.stringify(resize)}.`);
  }

  return tf.tidy(() => {
    const x4 = (single ? tf.expandDims(images, 0) : images) as tf.Tensor4D;
    const parts: tf.Tensor3D[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const x = size === n ? x4 : tf.slice(x4, [start, 0, 0, 0], [size, -1, -1, -1]);
      const values = runGraph(model, graph, x);
      const maps = values.get(tapOutput.id) as tf.Tensor4D;
      const preds = tf.reshape(values.get((model.outputs[0] as SymbolicTensor).id) as tf.Tensor, [size, -1]) as tf.Tensor2D;
      let classes: tf.Tensor1D;
      if (requested === undefined) classes = units === 1 ? tf.zeros([size], 'int32') : tf.argMax(preds, 1);
      else if (typeof requested === 'number') classes = tf.fill([size], requested, 'int32');
      else classes = tf.tensor1d(requested.slice(start, start + size), 'int32');
      const pick = units === 1 ? tf.ones([size, 1]) : tf.cast(tf.oneHot(classes, units), 'float32');
      // Σ_b preds[b, c_b]: each image's gradient only involves its own score (inference mode).
      const score = (a: tf.Tensor): tf.Scalar => {
        const out = tf.reshape(runFromTap(model, graph, values, a), [size, -1]);
        return tf.sum(tf.mul(out, pick));
      };
      const grads = tf.grad(score)(maps) as tf.Tensor4D;
      let weights: tf.Tensor; // [size, 1, 1, channels]
      if (method === 'gradcam') {
        weights = tf.mean(grads, [1, 2], true);
      } else {
        const g2 = tf.square(grads);
        const g3 = tf.mul(g2, grads);
        const sumA = tf.sum(maps, [1, 2], true);
        const denom = tf.add(tf.mul(g2, 2), tf.mul(sumA, g3));
        const safe = tf.where(tf.notEqual(denom, 0), denom, tf.onesLike(denom));
        const alpha = tf.div(g2, safe);
        weights = tf.sum(tf.mul(alpha, tf.relu(grads)), [1, 2], true);
      }
      const cam = tf.relu(tf.sum(tf.mul(maps, weights), 3)) as tf.Tensor3D;
      parts.push(normalise(cam));
    }
    let heat = parts.length === 1 ? (parts[0] as tf.Tensor3D) : (tf.concat(parts, 0) as tf.Tensor3D);
    if (resize) {
      const resized = tf.image.resizeBilinear(tf.expandDims(heat, -1) as tf.Tensor4D, [resize[0], resize[1]], false, true);
      heat = normalise(tf.squeeze(resized, [3]) as tf.Tensor3D);
    }
    return heat;
  });
}

/** Divide each map [n, h, w] by its maximum; an all-zero (or negative) map becomes zeros, not NaN. */
function normalise(cam: tf.Tensor3D): tf.Tensor3D {
  const max = tf.max(cam, [1, 2], true);
  return tf.div(tf.maximum(cam, 0), tf.maximum(max, 1e-12)) as tf.Tensor3D;
}
