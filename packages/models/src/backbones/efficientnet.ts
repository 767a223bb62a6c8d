import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, CxrError } from '@cxr/core';
import { correctPad } from './mobilenet-v2.js';
import type { BackboneSpec } from './registry.js';
import { kerasNormalization, registerKerasNormalization } from '../layers/keras-normalization.js';
import { checkInputShape } from './input-shape.js';
import { batchNormMomentum } from './layer-options.js';

/** The EfficientNet variants built here (Keras `EfficientNetB0` and `EfficientNetB7`). */
export type EfficientNetVariant = 'b0' | 'b7';

export interface EfficientNetOptions {
  /** [height, width, channels], channels last. Default the variant's size (224 for B0, 600 for B7) × 3. Sides ≥ 32. */
  inputShape?: [number, number, number];
  /** Seed for weight initialisation; the same seed gives the same weights. Unseeded when omitted. */
  seed?: number;
  /** Model name; default Keras' `efficientnetb0` / `efficientnetb7`. */
  name?: string;
  /** BatchNormalization momentum, default Keras' layer default 0.99 (see `BackboneOptions.batchNormMomentum`). */
  batchNormMomentum?: number;
}

/** Smallest input side Keras accepts for EfficientNet (`obtain_input_shape(min_size=32)`). */
export const EFFICIENTNET_MIN_SIDE = 32;

/** Keras' `(width_coefficient, depth_coefficient, default_size, dropout_rate)` per variant. */
export const EFFICIENTNET_PARAMS: Readonly<
  Record<EfficientNetVariant, { width: number; depth: number; size: number; dropout: number }>
> = {
  b0: { width: 1.0, depth: 1.0, size: 224, dropout: 0.2 },
  b7: { width: 2.0, depth: 3.1, size: 600, dropout: 0.5 },
};

/** Keras' `DEFAULT_BLOCKS_ARGS` (all with id_skip True, se_ratio 0.25). */
const BLOCKS_ARGS: ReadonlyArray<{
  kernelSize: number;
  repeats: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  strides: number;
}> = [
  { kernelSize: 3, repeats: 1, filtersIn: 32, filtersOut: 16, expandRatio: 1, strides: 1 },
  { kernelSize: 3, repeats: 2, filtersIn: 16, filtersOut: 24, expandRatio: 6, strides: 2 },
  { kernelSize: 5, repeats: 2, filtersIn: 24, filtersOut: 40, expandRatio: 6, strides: 2 },
  { kernelSize: 3, repeats: 3, filtersIn: 40, filtersOut: 80, expandRatio: 6, strides: 2 },
  { kernelSize: 5, repeats: 3, filtersIn: 80, filtersOut: 112, expandRatio: 6, strides: 1 },
  { kernelSize: 5, repeats: 4, filtersIn: 112, filtersOut: 192, expandRatio: 6, strides: 2 },
  { kernelSize: 3, repeats: 1, filtersIn: 192, filtersOut: 320, expandRatio: 6, strides: 1 },
];
const SE_RATIO = 0.25;
const DROP_CONNECT_RATE = 0.2;
const DEPTH_DIVISOR = 8;

/** Keras' `round_filters(filters)`: scale by the width coefficient, round to a multiple of 8, never < 90%. */
export function roundFilters(filters: number, widthCoefficient: number, divisor = DEPTH_DIVISOR): number {
  const f = filters * widthCoefficient;
  let newFilters = Math.max(divisor, Math.floor(Math.trunc(f + divisor / 2) / divisor) * divisor);
  if (newFilters < 0.9 * f) newFilters += divisor;
  return Math.trunc(newFilters);
}

/** Keras' `round_repeats(repeats)`: `ceil(depth_coefficient · repeats)`. */
export function roundRepeats(repeats: number, depthCoefficient: number): number {
  return Math.ceil(depthCoefficient * repeats);
}

type Sym = tfl.SymbolicTensor;

/**
 * `keras.applications.EfficientNetB0` / `EfficientNetB7` `(include_top=False, weights=None)`
 * (keras/applications/efficientnet.py, TF 2.x) as ONE flat functional `tf.LayersModel` with Keras'
 * layer names:
 *
 *   input_1 · rescaling (1/255) · normalization (mean 0 / variance 1: 7 non-trainable params) ·
 *   stem_conv_pad (correct_pad) · stem_conv (3×3/2 valid, no bias) · stem_bn · stem_activation (swish) ·
 *   blocks `block{1..7}{a,b,…}_`: [expand_conv · expand_bn · expand_activation] (expand ratio ≠ 1) ·
 *   [dwconv_pad when stride 2] · dwconv · bn · activation · se_squeeze (GAP) · se_reshape ·
 *   se_reduce (1×1 swish, bias) · se_expand (1×1 sigmoid, bias) · se_excite (multiply) ·
 *   project_conv · project_bn · [drop (Dropout, noise shape (None,1,1,1)) · add on repeats] ·
 *   top_conv (1×1, round_filters(1280)) · top_bn · top_activation
 *
 * Width/depth scaling with `roundFilters` / `roundRepeats`; the drop-connect rate 0.2 grows
 * linearly with the block index (`0.2 · b / blocks`). BatchNormalization ε 1e-3, momentum 0.99
 * (Keras' layer defaults). **B0: 4,049,571 params (4,007,548 trainable, 42,023 non-trainable)**;
 * **B7: 64,097,687 (63,786,960 / 310,727)**, both counting the Normalization layer's 7 as Keras does.
 *
 * The model takes raw 0…255 pixels (it rescales itself): use `preprocessInput(x, { mode: 'none' })`.
 * With Keras ImageNet weights (TF ≥ 2.10) Keras adds one more `Rescaling(1/√stddev)` layer after
 * the normalization; that layer has no weights and is not built here (weights=None), so loaded
 * ImageNet statistics give the TF < 2.10 behaviour.
 *
 * Initialisation is Keras' (`VarianceScaling(2, fan_out, truncated_normal)` for every conv,
 * zero biases, BN γ=1, β=0), seeded per layer from `seed`: same distributions, not the same stream.
 * Dropout layers are unseeded (see the package notes).
 */
export function efficientNet(variant: EfficientNetVariant, options: EfficientNetOptions = {}): tfl.LayersModel {
  const params = typeof variant === 'string' ? EFFICIENTNET_PARAMS[variant.toLowerCase() as EfficientNetVariant] : undefined;
  if (!params) {
    throw new CxrError('E_BAD_ARGUMENT', `efficientnet: variant must be one of 'b0', 'b7', got ${JSON.stringify(variant)}.`);
  }
  const v = variant.toLowerCase() as EfficientNetVariant;
  const inputShape = options.inputShape ?? [params.size, params.size, 3];
  checkInputShape(`efficientnet${v}`, inputShape, EFFICIENTNET_MIN_SIDE);
  const momentum = batchNormMomentum(`efficientnet${v}`, options.batchNormMomentum, 0.99);
  registerKerasNormalization();

  const rng = options.seed === undefined ? null : createRng(options.seed);
  const convInit = () =>
    tfl.initializers.varianceScaling({
      scale: 2.0,
      mode: 'fanOut',
      distribution: 'truncatedNormal',
      ...(rng ? { seed: rng.seed() } : {}),
    });
  const rf = (filters: number) => roundFilters(filters, params.width);
  const conv = (x: Sym, filters: number, kernelSize: number, name: string, extra: Partial<Parameters<typeof tfl.layers.conv2d>[0]> = {}): Sym =>
    tfl.layers
      .conv2d({ name, filters, kernelSize, padding: 'same', useBias: false, kernelInitializer: convInit(), ...extra })
      .apply(x) as Sym;
  const bn = (x: Sym, name: string): Sym =>
    tfl.layers.batchNormalization({ name, axis: -1, epsilon: 1e-3, momentum }).apply(x) as Sym;
  const swish = (x: Sym, name: string): Sym => tfl.layers.activation({ name, activation: 'swish' }).apply(x) as Sym;

  const block = (
    inputs: Sym,
    dropRate: number,
    prefix: string,
    a: { filtersIn: number; filtersOut: number; kernelSize: number; strides: number; expandRatio: number },
  ): Sym => {
    const filters = a.filtersIn * a.expandRatio;
    let x = inputs;
    if (a.expandRatio !== 1) {
      x = conv(x, filters, 1, `${prefix}expand_conv`);
      x = bn(x, `${prefix}expand_bn`);
      x = swish(x, `${prefix}expand_activation`);
    }
    let padding: 'same' | 'valid' = 'same';
    if (a.strides === 2) {
      const pad = correctPad(x.shape[1] ?? null, x.shape[2] ?? null, a.kernelSize);
      x = tfl.layers.zeroPadding2d({ name: `${prefix}dwconv_pad`, padding: pad }).apply(x) as Sym;
      padding = 'valid';
    }
    x = tfl.layers
      .depthwiseConv2d({
        name: `${prefix}dwconv`,
        kernelSize: a.kernelSize,
        strides: a.strides,
        padding,
        useBias: false,
        depthwiseInitializer: convInit(),
      })
      .apply(x) as Sym;
    x = bn(x, `${prefix}bn`);
    x = swish(x, `${prefix}activation`);

    const filtersSe = Math.max(1, Math.trunc(a.filtersIn * SE_RATIO));
    let se = tfl.layers.globalAveragePooling2d({ name: `${prefix}se_squeeze` }).apply(x) as Sym;
    se = tfl.layers.reshape({ name: `${prefix}se_reshape`, targetShape: [1, 1, filters] }).apply(se) as Sym;
    se = conv(se, filtersSe, 1, `${prefix}se_reduce`, { useBias: true, activation: 'swish' });
    se = conv(se, filters, 1, `${prefix}se_expand`, { useBias: true, activation: 'sigmoid' });
    x = tfl.layers.multiply({ name: `${prefix}se_excite` }).apply([x, se]) as Sym;

    x = conv(x, a.filtersOut, 1, `${prefix}project_conv`);
    x = bn(x, `${prefix}project_bn`);
    if (a.strides === 1 && a.filtersIn === a.filtersOut) {
      if (dropRate > 0) {
        // Keras noise_shape=(None, 1, 1, 1): drop whole samples (stochastic depth); tfjs fills null from the input.
        x = tfl.layers
          .dropout({ name: `${prefix}drop`, rate: dropRate, noiseShape: [null, 1, 1, 1] as unknown as number[] })
          .apply(x) as Sym;
      }
      x = tfl.layers.add({ name: `${prefix}add` }).apply([x, inputs]) as Sym;
    }
    return x;
  };

  const input = tfl.input({ shape: inputShape, name: 'input_1' });
  let x = tfl.layers.rescaling({ name: 'rescaling', scale: 1 / 255 }).apply(input) as Sym;
  x = kerasNormalization({ name: 'normalization', axis: -1 }).apply(x) as Sym;
  x = tfl.layers
    .zeroPadding2d({ name: 'stem_conv_pad', padding: correctPad(x.shape[1] ?? null, x.shape[2] ?? null, 3) })
    .apply(x) as Sym;
  x = conv(x, rf(32), 3, 'stem_conv', { strides: 2, padding: 'valid' });
  x = bn(x, 'stem_bn');
  x = swish(x, 'stem_activation');

  const blocks = BLOCKS_ARGS.reduce((n, a) => n + roundRepeats(a.repeats, params.depth), 0);
  let b = 0;
  for (const [i, args] of BLOCKS_ARGS.entries()) {
    const filtersOut = rf(args.filtersOut);
    let filtersIn = rf(args.filtersIn);
    let strides = args.strides;
    const repeats = roundRepeats(args.repeats, params.depth);
    for (let j = 0; j < repeats; j++) {
      if (j > 0) {
        strides = 1;
        filtersIn = filtersOut;
      }
      const prefix = `block${i + 1}${String.fromCharCode(97 + j)}_`;
      x = block(x, (DROP_CONNECT_RATE * b) / blocks, prefix, {
        filtersIn,
        filtersOut,
        kernelSize: args.kernelSize,
        strides,
        expandRatio: args.expandRatio,
      });
      b += 1;
    }
  }

  x = conv(x, rf(1280), 1, 'top_conv');
  x = bn(x, 'top_bn');
  x = swish(x, 'top_activation');
  return tfl.model({ inputs: input, outputs: x, name: options.name ?? `efficientnet${v}` });
}

/** `efficientNet('b0', options)`. */
export const efficientNetB0 = (options: EfficientNetOptions = {}): tfl.LayersModel => efficientNet('b0', options);
/** `efficientNet('b7', options)`. */
export const efficientNetB7 = (options: EfficientNetOptions = {}): tfl.LayersModel => efficientNet('b7', options);

/** Registry entry for `efficientnetb0` (Keras `EfficientNetB0`, include_top=False). */
export const EFFICIENTNETB0_SPEC: BackboneSpec = {
  name: 'efficientnetb0',
  keras: 'EfficientNetB0',
  defaultInputShape: [224, 224, 3],
  minInputSide: EFFICIENTNET_MIN_SIDE,
  preprocess: 'none',
  kerasParams: 4_049_571,
  lastConvLayer: 'top_conv',
  create: (options) => efficientNet('b0', options),
};

/** Registry entry for `efficientnetb7` (Keras `EfficientNetB7`, include_top=False). */
export const EFFICIENTNETB7_SPEC: BackboneSpec = {
  name: 'efficientnetb7',
  keras: 'EfficientNetB7',
  defaultInputShape: [600, 600, 3],
  minInputSide: EFFICIENTNET_MIN_SIDE,
  preprocess: 'none',
  kerasParams: 64_097_687,
  lastConvLayer: 'top_conv',
  create: (options) => efficientNet('b7', options),
};
