import * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import type { BackboneSpec } from './registry.js';
import { checkInputShape } from './input-shape.js';
import { batchNormMomentum, seededGlorot } from './layer-options.js';

export interface MobileNetOptions {
  /** [height, width, channels], channels last. Default [224, 224, 3]. Sides ≥ 32 (Keras' minimum). */
  inputShape?: [number, number, number];
  /** Width multiplier (Keras `alpha`), > 0. Default 1.0. Channels are `int(filters · alpha)` as Keras. */
  alpha?: number;
  /** Depthwise channel multiplier (Keras `depth_multiplier`), a positive integer. Default 1. */
  depthMultiplier?: number;
  /** Seed for weight initialisation; the same seed gives the same weights. Unseeded when omitted. */
  seed?: number;
  /** Model name; default Keras' `mobilenet_{alpha:.2f}_{rows}`, e.g. `mobilenet_1.00_224`. */
  name?: string;
  /**
   * BatchNormalization momentum, default Keras' layer default 0.99 (keras/applications/mobilenet.py
   * does not set it). See `BackboneOptions.batchNormMomentum`.
   */
  batchNormMomentum?: number;
}

/** Smallest input side Keras accepts for MobileNet (`obtain_input_shape(min_size=32)`). */
export const MOBILENET_MIN_SIDE = 32;

/** Keras' parameter count of `MobileNet(include_top=False, alpha=1, depth_multiplier=1)`. */
export const MOBILENET_KERAS_PARAMS = 3_228_864;

/** (pointwise filters, stride) of the 13 depthwise-separable blocks, block_id 1…13, as in Keras. */
const BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
  [256, 1],
  [512, 2],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [1024, 2],
  [1024, 1],
];

type Sym = tfl.SymbolicTensor;

/**
 * `keras.applications.MobileNet(include_top=False, weights=None)` (MobileNet v1,
 * keras/applications/mobilenet.py, TF ≥ 2.x: no `conv1_pad`) as ONE flat functional
 * `tf.LayersModel` with Keras' layer names:
 *
 *   input_1 · conv1 (3×3/2, same, no bias, int(32·alpha)) · conv1_bn · conv1_relu (ReLU6) ·
 *   13 blocks i = 1…13: [conv_pad_{i} (ZeroPadding2D ((0,1),(0,1))) when stride 2] ·
 *   conv_dw_{i} (depthwise 3×3, 'same', or 'valid' after the pad, no bias) · conv_dw_{i}_bn ·
 *   conv_dw_{i}_relu · conv_pw_{i} (1×1, no bias, int(filters·alpha)) · conv_pw_{i}_bn · conv_pw_{i}_relu
 *
 * Strides 2 in blocks 2, 4, 6 and 12. BatchNormalization: Keras' layer defaults (epsilon 1e-3,
 * momentum 0.99). 86 layers (input included), **3,228,864** parameters (3,206,976 trainable,
 * 21,888 non-trainable) at alpha 1, like Keras; output `conv_pw_13_relu` (7, 7, 1024) at 224.
 * Initialisation is Keras' default (Glorot-uniform kernels, BN γ=1, β=0, mean 0, variance 1),
 * seeded per layer from `seed`: same distributions as Keras, not the same random stream.
 */
export function mobileNet(options: MobileNetOptions = {}): tfl.LayersModel {
  const inputShape = options.inputShape ?? [224, 224, 3];
  checkInputShape('mobilenet', inputShape, MOBILENET_MIN_SIDE);
  const alpha = options.alpha ?? 1.0;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0 || Math.trunc(32 * alpha) < 1) {
    throw new CxrError('E_BAD_ARGUMENT', `mobilenet: alpha must be a positive number (≥ 1/32), got ${String(alpha)}.`);
  }
  const depthMultiplier = options.depthMultiplier ?? 1;
  if (!Number.isInteger(depthMultiplier) || depthMultiplier < 1) {
    throw new CxrError('E_BAD_ARGUMENT', `mobilenet: depthMultiplier must be a positive integer, got ${String(depthMultiplier)}.`);
  }
  const momentum = batchNormMomentum('mobilenet', options.batchNormMomentum, 0.99);
  const glorot = seededGlorot(options.seed);
  const conv = (x: Sym, filters: number, kernelSize: number, name: string, strides = 1): Sym =>
    tfl.layers
      .conv2d({ name, filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: glorot() })
      .apply(x) as Sym;
  const bn = (x: Sym, name: string): Sym =>
    tfl.layers.batchNormalization({ name, axis: -1, epsilon: 1e-3, momentum }).apply(x) as Sym;
  const relu6 = (x: Sym, name: string): Sym => tfl.layers.reLU({ name, maxValue: 6 }).apply(x) as Sym;

  const input = tfl.input({ shape: inputShape, name: 'input_1' });
  // Keras' _conv_block(img_input, 32, alpha, strides=(2, 2)).
  let x = conv(input, Math.trunc(32 * alpha), 3, 'conv1', 2);
  x = bn(x, 'conv1_bn');
  x = relu6(x, 'conv1_relu');
  // Keras' _depthwise_conv_block(inputs, pointwise_conv_filters, alpha, depth_multiplier, strides, block_id).
  for (const [i, [filters, stride]] of BLOCKS.entries()) {
    const id = i + 1;
    if (stride === 2) {
      x = tfl.layers.zeroPadding2d({ name: `conv_pad_${id}`, padding: [[0, 1], [0, 1]] }).apply(x) as Sym;
    }
    x = tfl.layers
      .depthwiseConv2d({
        name: `conv_dw_${id}`,
        kernelSize: 3,
        strides: stride,
        padding: stride === 1 ? 'same' : 'valid',
        depthMultiplier,
        useBias: false,
        depthwiseInitializer: glorot(),
      })
      .apply(x) as Sym;
    x = bn(x, `conv_dw_${id}_bn`);
    x = relu6(x, `conv_dw_${id}_relu`);
    x = conv(x, Math.trunc(filters * alpha), 1, `conv_pw_${id}`);
    x = bn(x, `conv_pw_${id}_bn`);
    x = relu6(x, `conv_pw_${id}_relu`);
  }
  const name = options.name ?? `mobilenet_${alpha.toFixed(2)}_${inputShape[0]}`;
  return tfl.model({ inputs: input, outputs: x, name });
}

/** Registry entry for `mobilenet` (MobileNet v1; to pass to `registerBackbone`). */
export const MOBILENET_SPEC: BackboneSpec = {
  name: 'mobilenet',
  keras: 'MobileNet',
  defaultInputShape: [224, 224, 3],
  minInputSide: MOBILENET_MIN_SIDE,
  preprocess: 'tf',
  kerasParams: MOBILENET_KERAS_PARAMS,
  lastConvLayer: 'conv_pw_13_relu',
  create: (options) => mobileNet(options),
};
