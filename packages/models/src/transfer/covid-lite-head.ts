import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, CxrError } from '@cxr/core';

/** Builds a classification head on a symbolic feature map, inside the caller's graph. */
export type HeadBuilder = (features: tfl.SymbolicTensor) => tfl.SymbolicTensor;

export interface CovidLiteHeadOptions {
  /** Output classes (default 3: Normal, COVID-19, Viral). ≥ 2. */
  numClasses?: number;
  /** Seed for the Dense layers' Glorot-uniform kernels (biases are zero). */
  seed?: number;
  /**
   * Prefix for the head's layer names (default ''): Keras' default names
   * `global_average_pooling2d`, `dense`, `dropout`, `dense_1`, … `dense_4`.
   */
  prefix?: string;
}

/** Hidden Dense units and the Dropout rate after each, as in the seed-003 article. */
const HIDDEN: ReadonlyArray<readonly [number, number]> = [
  [512, 0.7],
  [128, 0.5],
  [64, 0.3],
  [32, 0.3],
];

/**
 * The seed-003 (COVIDLite / MobileNetV2) article's head:
 *
 *   GlobalAveragePooling2D · Dense(512, relu) · Dropout(0.7) · Dense(128, relu) · Dropout(0.5) ·
 *   Dense(64, relu) · Dropout(0.3) · Dense(32, relu) · Dropout(0.3) · Dense(numClasses, softmax)
 *
 * On MobileNetV2's 1280 features with 3 classes: 655,872 + 65,664 + 8,256 + 2,080 + 99 =
 * **731,971** parameters. Layer names are Keras' defaults for a fresh session. Dropout layers are
 * unseeded on purpose (see the README): `@cxr/train` reseeds them per step.
 */
export function covidLiteHead(options: CovidLiteHeadOptions = {}): HeadBuilder {
  const numClasses = options.numClasses ?? 3;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new CxrError('E_BAD_ARGUMENT', `covidLiteHead: numClasses must be an integer ≥ 2, got ${String(numClasses)}.`);
  }
  const prefix = options.prefix ?? '';
  const seed = options.seed;
  return (features) => {
    if (features.shape.length !== 4) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `covidLiteHead: expects a 4-D feature map [batch, h, w, c], got shape [${features.shape.join(', ')}].`,
      );
    }
    const rng = seed === undefined ? null : createRng(seed);
    const dense = (units: number, activation: 'relu' | 'softmax', name: string) =>
      tfl.layers.dense({
        name: prefix + name,
        units,
        activation,
        kernelInitializer: tfl.initializers.glorotUniform(rng ? { seed: rng.seed() } : {}),
        biasInitializer: tfl.initializers.zeros(),
      });
    const suffix = (i: number) => (i === 0 ? '' : `_${i}`);
    let x = tfl.layers.globalAveragePooling2d({ name: `${prefix}global_average_pooling2d` }).apply(features) as tfl.SymbolicTensor;
    for (const [i, [units, rate]] of HIDDEN.entries()) {
      x = dense(units, 'relu', `dense${suffix(i)}`).apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.dropout({ name: `${prefix}dropout${suffix(i)}`, rate }).apply(x) as tfl.SymbolicTensor;
    }
    return dense(numClasses, 'softmax', `dense${suffix(HIDDEN.length)}`).apply(x) as tfl.SymbolicTensor;
  };
}
