import * as tfl from '@tensorflow/tfjs-layers';
import { checkInputShape } from './input-shape.js';
import { batchNormMomentum, seededGlorot } from './layer-options.js';

export interface ResNet50Options {
  /** [height, width, channels], channels last. Default [224, 224, 3]. Sides ≥ 32 (Keras' minimum). */
  inputShape?: [number, number, number];
  /** Seed for weight initialisation; the same seed gives the same weights. Unseeded when omitted. */
  seed?: number;
  /** Model name; default Keras' `resnet50`. */
  name?: string;
  /**
   * BatchNormalization momentum, default Keras' layer default 0.99 (keras/applications/resnet.py
   * does not set it; MobileNetV2 sets 0.999). See `BackboneOptions.batchNormMomentum`.
   */
  batchNormMomentum?: number;
}

/** Smallest input side Keras accepts for ResNet50 (`obtain_input_shape(min_size=32)`). */
export const RESNET50_MIN_SIDE = 32;

/** (filters, blocks, stride of the first block) of the four stacks conv2…conv5, as Keras' `stack_fn`. */
const STACKS: ReadonlyArray<readonly [string, number, number, number]> = [
  ['conv2', 64, 3, 1],
  ['conv3', 128, 4, 2],
  ['conv4', 256, 6, 2],
  ['conv5', 512, 3, 2],
];

type Sym = tfl.SymbolicTensor;

/**
 * `keras.applications.ResNet50(include_top=False, weights=None)` (ResNet v1,
 * keras/applications/resnet.py) as ONE flat functional `tf.LayersModel` with Keras' layer names:
 *
 *   input_1 · conv1_pad (ZeroPadding2D 3) · conv1_conv (7×7/2, valid, bias) · conv1_bn · conv1_relu ·
 *   pool1_pad (ZeroPadding2D 1) · pool1_pool (MaxPooling2D 3/2) ·
 *   stacks conv2 (64×4, 3 blocks, stride 1), conv3 (128, 4 blocks), conv4 (256, 6), conv5 (512, 3), each
 *   block `conv{N}_block{M}_`: [`0_conv` (1×1/stride, 4·f) · `0_bn` in block 1] ·
 *   `1_conv` (1×1/stride — Keras v1 puts the stride here) · `1_bn` · `1_relu` ·
 *   `2_conv` (3×3 same) · `2_bn` · `2_relu` · `3_conv` (1×1, 4·f) · `3_bn` · `add` · `out` (relu)
 *
 * Every convolution has a bias; BatchNormalization epsilon 1.001e-5. 175 layers (input included),
 * **23,587,712** parameters (23,534,592 trainable, 53,120 non-trainable), like Keras; output
 * `conv5_block3_out` (7, 7, 2048) at 224×224. Initialisation is Keras' default (Glorot-uniform
 * kernels, zero biases, BN γ=1, β=0, mean 0, variance 1), seeded per layer from `seed`: same
 * distributions as Keras, not the same random stream.
 */
export function resNet50(options: ResNet50Options = {}): tfl.LayersModel {
  const inputShape = options.inputShape ?? [224, 224, 3];
  checkInputShape('resnet50', inputShape, RESNET50_MIN_SIDE);
  const momentum = batchNormMomentum('resnet50', options.batchNormMomentum, 0.99);
  const glorot = seededGlorot(options.seed);
  const conv = (x: Sym, filters: number, kernelSize: number, name: string, strides = 1, padding: 'valid' | 'same' = 'valid'): Sym =>
    tfl.layers
      .conv2d({
        name,
        filters,
        kernelSize,
        strides,
        padding,
        useBias: true,
        kernelInitializer: glorot(),
        biasInitializer: 'zeros',
      })
      .apply(x) as Sym;
  const bn = (x: Sym, name: string): Sym =>
    tfl.layers.batchNormalization({ name, axis: -1, epsilon: 1.001e-5, momentum }).apply(x) as Sym;
  const relu = (x: Sym, name: string): Sym => tfl.layers.activation({ name, activation: 'relu' }).apply(x) as Sym;

  // Keras' block1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None).
  const block1 = (x: Sym, filters: number, stride: number, convShortcut: boolean, name: string): Sym => {
    let shortcut = x;
    if (convShortcut) {
      shortcut = conv(x, 4 * filters, 1, `${name}_0_conv`, stride);
      shortcut = bn(shortcut, `${name}_0_bn`);
    }
    let y = conv(x, filters, 1, `${name}_1_conv`, stride);
    y = bn(y, `${name}_1_bn`);
    y = relu(y, `${name}_1_relu`);
    y = conv(y, filters, 3, `${name}_2_conv`, 1, 'same');
    y = bn(y, `${name}_2_bn`);
    y = relu(y, `${name}_2_relu`);
    y = conv(y, 4 * filters, 1, `${name}_3_conv`);
    y = bn(y, `${name}_3_bn`);
    y = tfl.layers.add({ name: `${name}_add` }).apply([shortcut, y]) as Sym;
    return relu(y, `${name}_out`);
  };

  const input = tfl.input({ shape: inputShape, name: 'input_1' });
  let x = tfl.layers.zeroPadding2d({ name: 'conv1_pad', padding: [[3, 3], [3, 3]] }).apply(input) as Sym;
  x = conv(x, 64, 7, 'conv1_conv', 2);
  x = bn(x, 'conv1_bn');
  x = relu(x, 'conv1_relu');
  x = tfl.layers.zeroPadding2d({ name: 'pool1_pad', padding: [[1, 1], [1, 1]] }).apply(x) as Sym;
  x = tfl.layers.maxPooling2d({ name: 'pool1_pool', poolSize: 3, strides: 2 }).apply(x) as Sym;
  for (const [stack, filters, blocks, stride1] of STACKS) {
    x = block1(x, filters, stride1, true, `${stack}_block1`);
    for (let i = 2; i <= blocks; i++) x = block1(x, filters, 1, false, `${stack}_block${i}`);
  }
  return tfl.model({ inputs: input, outputs: x, name: options.name ?? 'resnet50' });
}
