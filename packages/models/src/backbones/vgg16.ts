import * as tfl from '@tensorflow/tfjs-layers';
import type { BackboneSpec } from './registry.js';
import { checkInputShape } from './input-shape.js';
import { seededGlorot } from './layer-options.js';

export interface VGG16Options {
  /** [height, width, channels], channels last. Default [224, 224, 3]. Sides ≥ 32 (Keras' minimum). */
  inputShape?: [number, number, number];
  /** Seed for weight initialisation; the same seed gives the same weights. Unseeded when omitted. */
  seed?: number;
  /** Model name; default Keras' `vgg16`. */
  name?: string;
}

/** Smallest input side Keras accepts for VGG16 (`obtain_input_shape(min_size=32)`): five 2×2 pools. */
export const VGG16_MIN_SIDE = 32;

/** Keras' parameter count of `VGG16(include_top=False)` (all trainable: VGG16 has no BatchNormalization). */
export const VGG16_KERAS_PARAMS = 14_714_688;

/** (filters, convolutions) of blocks 1…5, as keras/applications/vgg16.py. */
const BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [64, 2],
  [128, 2],
  [256, 3],
  [512, 3],
  [512, 3],
];

type Sym = tfl.SymbolicTensor;

/**
 * `keras.applications.VGG16(include_top=False, weights=None)` (keras/applications/vgg16.py) as
 * ONE flat functional `tf.LayersModel` with Keras' layer names:
 *
 *   input_1 · block1_conv1, block1_conv2 (64) · block1_pool · block2_conv1…2 (128) · block2_pool ·
 *   block3_conv1…3 (256) · block3_pool · block4_conv1…3 (512) · block4_pool ·
 *   block5_conv1…3 (512) · block5_pool
 *
 * Every convolution is 3×3, 'same', relu, with a bias; pools are MaxPooling2D 2×2 stride 2.
 * 19 layers (input included), **14,714,688** parameters, all trainable, like Keras; output
 * `block5_pool` (7, 7, 512) at 224×224; last convolution `block5_conv3`. Initialisation is
 * Keras' default (Glorot-uniform kernels, zero biases), seeded per layer from `seed`: same
 * distributions as Keras, not the same random stream.
 */
export function vgg16(options: VGG16Options = {}): tfl.LayersModel {
  const inputShape = options.inputShape ?? [224, 224, 3];
  checkInputShape('vgg16', inputShape, VGG16_MIN_SIDE);
  const glorot = seededGlorot(options.seed);
  const input = tfl.input({ shape: inputShape, name: 'input_1' });
  let x: Sym = input;
  for (const [b, [filters, convs]] of BLOCKS.entries()) {
    for (let c = 1; c <= convs; c++) {
      x = tfl.layers
        .conv2d({
          name: `block${b + 1}_conv${c}`,
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          useBias: true,
          kernelInitializer: glorot(),
          biasInitializer: 'zeros',
        })
        .apply(x) as Sym;
    }
    x = tfl.layers.maxPooling2d({ name: `block${b + 1}_pool`, poolSize: 2, strides: 2 }).apply(x) as Sym;
  }
  return tfl.model({ inputs: input, outputs: x, name: options.name ?? 'vgg16' });
}

/**
 * Registry entry for `vgg16` (to pass to `registerBackbone`). VGG16 has no BatchNormalization and
 * no width multiplier: `batchNormMomentum` and `alpha` are ignored.
 */
export const VGG16_SPEC: BackboneSpec = {
  name: 'vgg16',
  keras: 'VGG16',
  defaultInputShape: [224, 224, 3],
  minInputSide: VGG16_MIN_SIDE,
  preprocess: 'caffe',
  kerasParams: VGG16_KERAS_PARAMS,
  lastConvLayer: 'block5_conv3',
  create: (options) => {
    const o: VGG16Options = {};
    if (options.inputShape !== undefined) o.inputShape = options.inputShape;
    if (options.seed !== undefined) o.seed = options.seed;
    if (options.name !== undefined) o.name = options.name;
    return vgg16(o);
  },
};
