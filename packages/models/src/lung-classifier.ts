import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, CxrError } from '@cxr/core';

export interface LungClassifierOptions {
  /** [height, width, channels], channels last. Default [512, 512, 1] (grayscale) as in the article. Height and width ≥ 16. */
  inputShape?: [number, number, number];
  /** Output classes (default 3: Covid, Normal, Viral Pneumonia). ≥ 2. */
  numClasses?: number;
  /** Seed for weight initialisation; the same seed gives the same weights. Unseeded when omitted. */
  seed?: number;
  /** Model name (default 'LungClassifier', as the article's `tf.keras.Sequential(name=…)`). */
  name?: string;
}

/** Smallest input side: conv5 → pool3 → conv3 → pool2 must leave ≥ 1 pixel (16 → 12 → 4 → 2 → 1). */
const MIN_SIDE = 16;

/** Spatial size after the network's four valid-padded stages, or ≤ 0 when the input is too small. */
function featureSide(side: number): number {
  const afterConv1 = side - 4;
  const afterPool1 = Math.floor((afterConv1 - 3) / 3) + 1;
  const afterConv2 = afterPool1 - 2;
  return afterConv2 >= 2 ? Math.floor((afterConv2 - 2) / 2) + 1 : 0;
}

/**
 * The seed-004 article's Keras `Sequential(name="LungClassifier")` as a tf.LayersModel:
 *
 *   Conv2D(4, 5, strides 1, relu) '1stConvLayer' · MaxPooling2D(3, strides 3) '1stPoolLayer' ·
 *   Conv2D(4, 3, strides 1, relu) '2ndConvLayer' · MaxPooling2D(2, strides 2) '2ndPoolLayer' ·
 *   Flatten 'Flatten' · Dense(numClasses, softmax) 'FinalClassifier'
 *
 * 82,923 parameters at 512×512×1 with 3 classes (104 + 148 + 83·83·4·3 + 3). The output is
 * **softmax probabilities** (Keras `CategoricalCrossentropy()` with `from_logits=False`, which
 * is `@cxr/train`'s `'categoricalCrossentropy'` default). Layer names are the article's.
 *
 * Initialisation is Keras' default: Glorot-uniform kernels, zero biases, seeded per layer from
 * `seed` (same distributions as Keras, not the same random stream).
 */
export function lungClassifier(options: LungClassifierOptions = {}): tfl.Sequential {
  const inputShape = options.inputShape ?? [512, 512, 1];
  const numClasses = options.numClasses ?? 3;
  const [height, width] = inputShape;
  if (
    !Array.isArray(inputShape) ||
    inputShape.length !== 3 ||
    !inputShape.every((d) => Number.isInteger(d) && d >= 1) ||
    featureSide(height) < 1 ||
    featureSide(width) < 1
  ) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `lungClassifier: inputShape must be [height, width, channels] with integer sides ≥ ${MIN_SIDE}, got ${JSON.stringify(inputShape)}.`,
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new CxrError('E_BAD_ARGUMENT', `lungClassifier: numClasses must be an integer ≥ 2, got ${numClasses}.`);
  }

  const rng = options.seed === undefined ? null : createRng(options.seed);
  // Keras defaults: kernel_initializer='glorot_uniform', bias_initializer='zeros'.
  const init = () => ({
    kernelInitializer: tfl.initializers.glorotUniform(rng ? { seed: rng.seed() } : {}),
    biasInitializer: tfl.initializers.zeros(),
  });

  const model = tfl.sequential({ name: options.name ?? 'LungClassifier' });
  model.add(
    tfl.layers.conv2d({ name: '1stConvLayer', inputShape, filters: 4, kernelSize: 5, strides: 1, activation: 'relu', ...init() }),
  );
  model.add(tfl.layers.maxPooling2d({ name: '1stPoolLayer', poolSize: 3, strides: 3 }));
  model.add(tfl.layers.conv2d({ name: '2ndConvLayer', filters: 4, kernelSize: 3, strides: 1, activation: 'relu', ...init() }));
  model.add(tfl.layers.maxPooling2d({ name: '2ndPoolLayer', poolSize: 2, strides: 2 }));
  model.add(tfl.layers.flatten({ name: 'Flatten' }));
  model.add(tfl.layers.dense({ name: 'FinalClassifier', units: numClasses, activation: 'softmax', ...init() }));
  return model;
}
