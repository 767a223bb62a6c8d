import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, CxrError } from '@cxr/core';
import type { HeadBuilder } from './covid-lite-head.js';

/** Layer names of a `poolDenseHead`; any left out get the article's names. */
export interface PoolDenseHeadNames {
  /** AveragePooling2D, default 'averagepooling2d_head'. */
  pool?: string;
  /** Flatten, default 'flatten_head'. */
  flatten?: string;
  /** One per hidden Dense, default 'dense_head', 'dense_head_2', 'dense_head_3', … */
  dense?: string[];
  /** One per Dropout, default 'dropout_head', 'dropout_head_2', … */
  dropout?: string[];
  /** Final softmax Dense, default 'predictions_head'. */
  predictions?: string;
}

export interface PoolDenseHeadOptions {
  /** Hidden Dense (relu) widths, each followed by a Dropout. Default [64] (DenseNet201 / EfficientNetB7 heads). */
  units?: number[];
  /** Dropout rate after each hidden Dense: one rate for all, or one per hidden layer. Default 0.5. */
  dropout?: number | number[];
  /** Output classes (default 3: COVID19, NORMAL, PNEUMONIA). ≥ 2. */
  numClasses?: number;
  /** AveragePooling2D pool size (= strides, 'valid'), default Keras' 2 (i.e. (2, 2)). */
  poolSize?: number;
  /** Seed for the Dense layers' Glorot-uniform kernels (biases are zero). Dropout stays unseeded. */
  seed?: number;
  /** Layer names (default: the article's). */
  names?: PoolDenseHeadNames;
}

const nth = (base: string, i: number) => (i === 0 ? base : `${base}_${i + 1}`);

/**
 * The seed-002 article's transfer head, on a backbone's 4-D feature map:
 *
 *   AveragePooling2D (Keras default 2×2, stride 2, valid; 'averagepooling2d_head') ·
 *   Flatten ('flatten_head') · [Dense(u, relu) ('dense_head', 'dense_head_2', …) ·
 *   Dropout(rate) ('dropout_head', 'dropout_head_2', …)] per hidden width ·
 *   Dense(numClasses, softmax) ('predictions_head')
 *
 * Note the head pools to ⌊h/2⌋×⌊w/2⌋ and flattens (it is not a global pool), so its size depends
 * on the feature map: on a 7×7 map (224 px input) with 3 classes, DenseNet201's 1920 channels give
 * 17,280 → 64: **1,106,179** params, EfficientNetB7's 2560 give **1,474,819**, and VGG16's 512
 * with `units: [128, 64]` give **598,403** (the article's trainable counts). Feature maps smaller
 * than the pool are `E_SHAPE_MISMATCH`. Kernels Glorot-uniform (Keras' default), biases zero.
 */
export function poolDenseHead(options: PoolDenseHeadOptions = {}): HeadBuilder {
  const units = options.units ?? [64];
  if (!Array.isArray(units) || !units.every((u) => Number.isInteger(u) && u >= 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `poolDenseHead: units must be a list of positive integers, got ${JSON.stringify(units)}.`);
  }
  const numClasses = options.numClasses ?? 3;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new CxrError('E_BAD_ARGUMENT', `poolDenseHead: numClasses must be an integer ≥ 2, got ${String(numClasses)}.`);
  }
  const d = options.dropout ?? 0.5;
  const rates = Array.isArray(d) ? d : units.map(() => d);
  if (rates.length !== units.length || !rates.every((r) => typeof r === 'number' && r >= 0 && r < 1)) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `poolDenseHead: dropout must be a rate in [0, 1) or one such rate per hidden layer (${units.length}), got ${JSON.stringify(d)}.`,
    );
  }
  const poolSize = options.poolSize ?? 2;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new CxrError('E_BAD_ARGUMENT', `poolDenseHead: poolSize must be a positive integer, got ${String(poolSize)}.`);
  }
  const n = options.names ?? {};
  const denseNames = units.map((_, i) => n.dense?.[i] ?? nth('dense_head', i));
  const dropoutNames = units.map((_, i) => n.dropout?.[i] ?? nth('dropout_head', i));
  const seed = options.seed;
  return (features) => {
    const [, h, w] = features.shape;
    if (features.shape.length !== 4 || h == null || w == null || h < poolSize || w < poolSize) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `poolDenseHead: expects a 4-D feature map [batch, h, w, c] with h, w ≥ ${poolSize} (the pool size), got shape [${features.shape.join(', ')}]; use a larger input image.`,
      );
    }
    const rng = seed === undefined ? null : createRng(seed);
    const dense = (u: number, activation: 'relu' | 'softmax', name: string) =>
      tfl.layers.dense({
        name,
        units: u,
        activation,
        kernelInitializer: tfl.initializers.glorotUniform(rng ? { seed: rng.seed() } : {}),
        biasInitializer: tfl.initializers.zeros(),
      });
    let x = tfl.layers
      .averagePooling2d({ name: n.pool ?? 'averagepooling2d_head', poolSize, strides: poolSize, padding: 'valid' })
      .apply(features) as tfl.SymbolicTensor;
    x = tfl.layers.flatten({ name: n.flatten ?? 'flatten_head' }).apply(x) as tfl.SymbolicTensor;
    for (const [i, u] of units.entries()) {
      x = dense(u, 'relu', denseNames[i] as string).apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.dropout({ name: dropoutNames[i] as string, rate: rates[i] as number }).apply(x) as tfl.SymbolicTensor;
    }
    return dense(numClasses, 'softmax', n.predictions ?? 'predictions_head').apply(x) as tfl.SymbolicTensor;
  };
}

/** Options of the article's per-backbone presets (everything but the hidden widths). */
export type ArticleHeadOptions = Omit<PoolDenseHeadOptions, 'units'>;

/** The article's DenseNet201 / EfficientNetB7 head: `poolDenseHead({ units: [64], dropout: 0.5 })`. */
export function denseNetArticleHead(options: ArticleHeadOptions = {}): HeadBuilder {
  return poolDenseHead({ ...options, units: [64] });
}

/**
 * The article's VGG16 head: `poolDenseHead({ units: [128, 64], dropout: 0.5 })`, names
 * dense_head, dropout_head, dense_head_2, dropout_head_2 (its dense-level ensemble taps `dense_head_2`).
 */
export function vggArticleHead(options: ArticleHeadOptions = {}): HeadBuilder {
  return poolDenseHead({ ...options, units: [128, 64] });
}
