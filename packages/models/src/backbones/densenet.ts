import * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import type { BackboneSpec } from './registry.js';
import { checkInputShape } from './input-shape.js';
import { batchNormMomentum, seededGlorot } from './layer-options.js';

export interface DenseNetOptions {
  /** [height, width, channels], channels last. Default [224, 224, 3]. Sides ≥ 32 (Keras' minimum). */
  inputShape?: [number, number, number];
  /** Seed for weight initialisation; the same seed gives the same weights. Unseeded when omitted. */
  seed?: number;
  /** Model name; default Keras' `densenet201` / `densenet121` / `densenet169`. */
  name?: string;
  /**
   * BatchNormalization momentum, default Keras' layer default 0.99 (keras/applications/densenet.py
   * does not set it). See `BackboneOptions.batchNormMomentum`.
   */
  batchNormMomentum?: number;
}

/** Smallest input side Keras accepts for DenseNet (`obtain_input_shape(min_size=32)`). */
export const DENSENET_MIN_SIDE = 32;

/** Dense blocks per stage (conv2…conv5) of Keras' DenseNet121 / 169 / 201. */
export const DENSENET_BLOCKS = {
  densenet121: [6, 12, 24, 16],
  densenet169: [6, 12, 32, 32],
  densenet201: [6, 12, 48, 32],
} as const satisfies Record<string, readonly [number, number, number, number]>;

/** DenseNet growth rate (Keras' `conv_block(x, 32, …)`). */
const GROWTH = 32;
/** Transition compression (Keras' `transition_block(x, 0.5, …)`). */
const REDUCTION = 0.5;
/** BatchNormalization epsilon everywhere in keras/applications/densenet.py. */
const BN_EPSILON = 1.001e-5;

type Sym = tfl.SymbolicTensor;

const channelsOf = (x: Sym): number => x.shape[x.shape.length - 1] as number;

/**
 * `keras.applications.DenseNet(blocks, include_top=False, weights=None)` (keras/applications/densenet.py)
 * as ONE flat functional `tf.LayersModel` with tf.keras 2's layer names — these contain '/' in
 * the stem (`conv1/conv`, `conv1/bn`, `conv1/relu`), which tfjs-layers accepts, so weight names
 * (`conv1/conv/kernel`, `conv1/bn/gamma`, …) are exactly those of a `tensorflowjs_converter`-ed
 * tf.keras .h5. (Keras 3 renamed these three to `conv1_conv`, `conv1_bn`, `conv1_relu`; every other
 * name is the same in both.)
 *
 *   input_1 · zero_padding2d (3) · conv1/conv (7×7/2, valid, no bias, 64) · conv1/bn · conv1/relu ·
 *   zero_padding2d_1 (1) · pool1 (MaxPooling2D 3/2) ·
 *   dense blocks conv2…conv5, each conv_block `conv{b}_block{i}_`: `0_bn` · `0_relu` ·
 *   `1_conv` (1×1, 4·32, no bias) · `1_bn` · `1_relu` · `2_conv` (3×3 same, 32, no bias) · `concat`
 *   (Concatenate [x, new features]) ·
 *   after conv2…conv4 a transition `pool{2,3,4}_`: `bn` · `relu` · `conv` (1×1, ⌊0.5·C⌋, no bias) ·
 *   `pool` (AveragePooling2D 2/2) ·
 *   bn · relu
 *
 * BatchNormalization epsilon 1.001e-5, momentum 0.99 (Keras' default) unless `batchNormMomentum`.
 * Initialisation is Keras' default (Glorot-uniform kernels, BN γ=1, β=0, mean 0, variance 1),
 * seeded per layer from `seed`: same distributions as Keras, not the same random stream.
 */
export function denseNet(
  blocks: readonly number[],
  options: DenseNetOptions & { defaultName?: string } = {},
): tfl.LayersModel {
  const what = options.defaultName ?? 'densenet';
  if (!Array.isArray(blocks) || blocks.length !== 4 || !blocks.every((b) => Number.isInteger(b) && b >= 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `${what}: blocks must be 4 positive integers, got ${JSON.stringify(blocks)}.`);
  }
  const inputShape = options.inputShape ?? [224, 224, 3];
  checkInputShape(`${what}`, inputShape, DENSENET_MIN_SIDE);
  const momentum = batchNormMomentum(what, options.batchNormMomentum, 0.99);
  const glorot = seededGlorot(options.seed);
  const conv = (x: Sym, filters: number, kernelSize: number, name: string, strides = 1, padding: 'valid' | 'same' = 'valid'): Sym =>
    tfl.layers
      .conv2d({ name, filters, kernelSize, strides, padding, useBias: false, kernelInitializer: glorot() })
      .apply(x) as Sym;
  const bn = (x: Sym, name: string): Sym =>
    tfl.layers.batchNormalization({ name, axis: -1, epsilon: BN_EPSILON, momentum }).apply(x) as Sym;
  const relu = (x: Sym, name: string): Sym => tfl.layers.activation({ name, activation: 'relu' }).apply(x) as Sym;

  // Keras' conv_block(x, growth_rate, name).
  const convBlock = (x: Sym, growthRate: number, name: string): Sym => {
    let x1 = bn(x, `${name}_0_bn`);
    x1 = relu(x1, `${name}_0_relu`);
    x1 = conv(x1, 4 * growthRate, 1, `${name}_1_conv`);
    x1 = bn(x1, `${name}_1_bn`);
    x1 = relu(x1, `${name}_1_relu`);
    x1 = conv(x1, growthRate, 3, `${name}_2_conv`, 1, 'same');
    return tfl.layers.concatenate({ name: `${name}_concat`, axis: -1 }).apply([x, x1]) as Sym;
  };
  // Keras' transition_block(x, reduction, name).
  const transitionBlock = (x: Sym, reduction: number, name: string): Sym => {
    let y = bn(x, `${name}_bn`);
    y = relu(y, `${name}_relu`);
    y = conv(y, Math.trunc(channelsOf(y) * reduction), 1, `${name}_conv`);
    return tfl.layers.averagePooling2d({ name: `${name}_pool`, poolSize: 2, strides: 2 }).apply(y) as Sym;
  };

  const input = tfl.input({ shape: inputShape, name: 'input_1' });
  let x = tfl.layers.zeroPadding2d({ name: 'zero_padding2d', padding: [[3, 3], [3, 3]] }).apply(input) as Sym;
  x = conv(x, 64, 7, 'conv1/conv', 2);
  x = bn(x, 'conv1/bn');
  x = relu(x, 'conv1/relu');
  x = tfl.layers.zeroPadding2d({ name: 'zero_padding2d_1', padding: [[1, 1], [1, 1]] }).apply(x) as Sym;
  x = tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 3, strides: 2 }).apply(x) as Sym;
  blocks.forEach((count, stage) => {
    for (let i = 1; i <= count; i++) x = convBlock(x, GROWTH, `conv${stage + 2}_block${i}`);
    if (stage < 3) x = transitionBlock(x, REDUCTION, `pool${stage + 2}`);
  });
  x = bn(x, 'bn');
  x = relu(x, 'relu');
  return tfl.model({ inputs: input, outputs: x, name: options.name ?? what });
}

/**
 * `keras.applications.DenseNet201(include_top=False, weights=None)`: blocks [6, 12, 48, 32].
 * 707 layers (input included), **18,321,984** parameters (18,092,928 trainable, 229,056
 * non-trainable) at any input size; output `relu` (7, 7, 1920) at 224×224. See `denseNet`.
 */
export function denseNet201(options: DenseNetOptions = {}): tfl.LayersModel {
  return denseNet(DENSENET_BLOCKS.densenet201, { ...options, defaultName: 'densenet201' });
}

/**
 * `keras.applications.DenseNet121(include_top=False, weights=None)`: blocks [6, 12, 24, 16].
 * 427 layers, **7,037,504** parameters (6,953,856 trainable, 83,648 non-trainable); output `relu`
 * (7, 7, 1024) at 224×224.
 */
export function denseNet121(options: DenseNetOptions = {}): tfl.LayersModel {
  return denseNet(DENSENET_BLOCKS.densenet121, { ...options, defaultName: 'densenet121' });
}

/** Registry entry for `densenet201` (register with `registerBackbone(DENSENET201_SPEC)`). */
export const DENSENET201_SPEC: BackboneSpec = {
  name: 'densenet201',
  keras: 'DenseNet201',
  defaultInputShape: [224, 224, 3],
  minInputSide: DENSENET_MIN_SIDE,
  preprocess: 'torch',
  kerasParams: 18_321_984,
  lastConvLayer: 'relu',
  create: (options) => denseNet201(stripAlpha(options)),
};

/** Registry entry for `densenet121`. */
export const DENSENET121_SPEC: BackboneSpec = {
  name: 'densenet121',
  keras: 'DenseNet121',
  defaultInputShape: [224, 224, 3],
  minInputSide: DENSENET_MIN_SIDE,
  preprocess: 'torch',
  kerasParams: 7_037_504,
  lastConvLayer: 'relu',
  create: (options) => denseNet121(stripAlpha(options)),
};

/** DenseNet has no width multiplier: accept alpha 1 (or none), refuse anything else. */
function stripAlpha<T extends { alpha?: number }>(options: T): Omit<T, 'alpha'> {
  const { alpha, ...rest } = options;
  if (alpha !== undefined && alpha !== 1) {
    throw new CxrError('E_BAD_ARGUMENT', `densenet: alpha (width multiplier) is not supported, got ${String(alpha)}.`);
  }
  return rest;
}
