import * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { checkInputShape } from './input-shape.js';
import { batchNormMomentum, seededGlorot } from './layer-options.js';

export interface MobileNetV2Options {
  /** [height, width, channels], channels last. Default [224, 224, 3]. Sides ≥ 32 (Keras' minimum). */
  inputShape?: [number, number, number];
  /** Width multiplier (Keras `alpha`), > 0. Default 1.0. Channels are rounded with `makeDivisible(·, 8)`. */
  alpha?: number;
  /** Seed for weight initialisation; the same seed gives the same weights. Unseeded when omitted. */
  seed?: number;
  /** Model name; default Keras' `mobilenetv2_{alpha:.2f}_{rows}`, e.g. `mobilenetv2_1.00_224`. */
  name?: string;
  /** BatchNormalization momentum, default Keras' 0.999 (see `BackboneOptions.batchNormMomentum`). */
  batchNormMomentum?: number;
}

/** Smallest input side Keras accepts for MobileNetV2 (`obtain_input_shape(min_size=32)`). */
export const MOBILENET_V2_MIN_SIDE = 32;

/**
 * Keras' `_make_divisible(v, divisor, min_value=None)` (from the TF-slim reference): round `v` to
 * the nearest multiple of `divisor`, at least `minValue`, and never more than 10% below `v`.
 */
export function makeDivisible(v: number, divisor = 8, minValue?: number): number {
  const min = minValue ?? divisor;
  let newV = Math.max(min, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

/**
 * Keras' `imagenet_utils.correct_pad(inputs, kernel_size)`: the ZeroPadding2D that makes a
 * stride-2 'valid' convolution behave like TF 'same' padding: ((top, bottom), (left, right)).
 * Even sides pad (0, 1); odd sides pad (1, 1).
 */
export function correctPad(height: number | null, width: number | null, kernelSize = 3): [[number, number], [number, number]] {
  const adjust = height === null || width === null ? [1, 1] : [1 - (height % 2), 1 - (width % 2)];
  const correct = Math.floor(kernelSize / 2);
  return [
    [correct - (adjust[0] as number), correct],
    [correct - (adjust[1] as number), correct],
  ];
}

/** (filters, stride, expansion) of the 17 inverted residual blocks, block_id 0…16, as in Keras. */
const BLOCKS: ReadonlyArray<readonly [number, number, number]> = [
  [16, 1, 1],
  [24, 2, 6],
  [24, 1, 6],
  [32, 2, 6],
  [32, 1, 6],
  [32, 1, 6],
  [64, 2, 6],
  [64, 1, 6],
  [64, 1, 6],
  [64, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [160, 2, 6],
  [160, 1, 6],
  [160, 1, 6],
  [320, 1, 6],
];

type Sym = tfl.SymbolicTensor;

const channelsOf = (x: Sym): number => x.shape[x.shape.length - 1] as number;

/**
 * `keras.applications.MobileNetV2(include_top=False, weights=None)` as ONE flat functional
 * `tf.LayersModel` (every layer is a plain layer, none a nested model, so any of them, e.g.
 * `block_16_depthwise` or `Conv_1`, can be tapped for Grad-CAM). Layer names, order and
 * hyper-parameters are those of keras/applications/mobilenet_v2.py (TF ≥ 2.2, no `Conv1_pad`):
 *
 *   Conv1 (3×3/2, same, no bias) · bn_Conv1 · Conv1_relu (ReLU6) ·
 *   17 inverted residual blocks: [block_{i}_expand (1×1) · block_{i}_expand_BN · block_{i}_expand_relu]
 *   (absent in block 0, whose prefix is `expanded_conv_`) · [block_{i}_pad (correct_pad) when stride 2] ·
 *   block_{i}_depthwise (3×3, 'same' or 'valid' after the pad) · _depthwise_BN · _depthwise_relu ·
 *   block_{i}_project (1×1) · _project_BN · [block_{i}_add when stride 1 and channels agree] ·
 *   Conv_1 (1×1, 1280 or makeDivisible(1280·alpha) when alpha > 1) · Conv_1_bn · out_relu
 *
 * BatchNormalization: epsilon 1e-3, momentum 0.999. 154 layers (input included) and
 * **2,257,984** parameters (2,223,872 trainable, 34,112 non-trainable) at alpha 1, like Keras.
 *
 * Initialisation is Keras' default (Glorot-uniform kernels, BN γ=1, β=0, mean 0, variance 1),
 * seeded per layer from `seed`: same distributions as Keras, not the same random stream.
 */
export function mobileNetV2(options: MobileNetV2Options = {}): tfl.LayersModel {
  const inputShape = options.inputShape ?? [224, 224, 3];
  const alpha = options.alpha ?? 1.0;
  checkInputShape('mobilenetv2', inputShape, MOBILENET_V2_MIN_SIDE);
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) {
    throw new CxrError('E_BAD_ARGUMENT', `mobilenetv2: alpha must be a positive number, got ${String(alpha)}.`);
  }

  const momentum = batchNormMomentum('mobilenetv2', options.batchNormMomentum, 0.999);
  const glorot = seededGlorot(options.seed);
  const conv = (x: Sym, filters: number, kernelSize: number, name: string, strides = 1): Sym =>
    tfl.layers
      .conv2d({ name, filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: glorot() })
      .apply(x) as Sym;
  const bn = (x: Sym, name: string): Sym =>
    tfl.layers.batchNormalization({ name, axis: -1, epsilon: 1e-3, momentum }).apply(x) as Sym;
  const relu6 = (x: Sym, name: string): Sym => tfl.layers.reLU({ name, maxValue: 6 }).apply(x) as Sym;

  const invertedResBlock = (inputs: Sym, filters: number, stride: number, expansion: number, blockId: number): Sym => {
    const inChannels = channelsOf(inputs);
    const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha), 8);
    let x = inputs;
    let prefix = `block_${blockId}_`;
    if (blockId) {
      x = conv(x, expansion * inChannels, 1, `${prefix}expand`);
      x = bn(x, `${prefix}expand_BN`);
      x = relu6(x, `${prefix}expand_relu`);
    } else {
      prefix = 'expanded_conv_';
    }
    if (stride === 2) {
      const padding = correctPad(x.shape[1] ?? null, x.shape[2] ?? null, 3);
      x = tfl.layers.zeroPadding2d({ name: `${prefix}pad`, padding }).apply(x) as Sym;
    }
    x = tfl.layers
      .depthwiseConv2d({
        name: `${prefix}depthwise`,
        kernelSize: 3,
        strides: stride,
        padding: stride === 1 ? 'same' : 'valid',
        useBias: false,
        depthwiseInitializer: glorot(),
      })
      .apply(x) as Sym;
    x = bn(x, `${prefix}depthwise_BN`);
    x = relu6(x, `${prefix}depthwise_relu`);
    x = conv(x, pointwiseFilters, 1, `${prefix}project`);
    x = bn(x, `${prefix}project_BN`);
    if (inChannels === pointwiseFilters && stride === 1) {
      return tfl.layers.add({ name: `${prefix}add` }).apply([inputs, x]) as Sym;
    }
    return x;
  };

  const input = tfl.input({ shape: inputShape, name: 'input_1' });
  let x = conv(input, makeDivisible(32 * alpha, 8), 3, 'Conv1', 2);
  x = bn(x, 'bn_Conv1');
  x = relu6(x, 'Conv1_relu');
  for (const [blockId, [filters, stride, expansion]] of BLOCKS.entries()) {
    x = invertedResBlock(x, filters, stride, expansion, blockId);
  }
  const lastBlockFilters = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = conv(x, lastBlockFilters, 1, 'Conv_1');
  x = bn(x, 'Conv_1_bn');
  x = relu6(x, 'out_relu');
  const name = options.name ?? `mobilenetv2_${alpha.toFixed(2)}_${inputShape[0]}`;
  return tfl.model({ inputs: input, outputs: x, name });
}
