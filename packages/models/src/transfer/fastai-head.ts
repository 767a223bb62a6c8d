import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, CxrError } from '@cxr/core';
import type { HeadBuilder } from './covid-lite-head.js';

export interface FastaiHeadOptions {
  /** Output classes, ≥ 2. */
  numClasses: number;
  /** Seed for the Linear (Dense) kernels. Dropout stays unseeded (see the README). */
  seed?: number;
  /**
   * Dropout probabilities, one per LinBnDrop (hidden layers + 1). A single number `p` expands as
   * fastai's `ps`: `[p/2, …, p/2, p]`. Default `[0.25, 0.5]` (fastai's `ps=0.5`).
   */
  dropout?: number | readonly number[];
  /** Hidden Linear sizes (fastai `lin_ftrs`): a number or a list. Default 512. */
  hidden?: number | readonly number[];
  /**
   * Whether the Linear layers have a bias. Default `false`: fastai 2's `LinBnDrop(bn=True)` uses
   * `nn.Linear(n_in, n_out, bias=not bn)`, i.e. no bias since a BatchNorm1d precedes every Linear.
   * `true` reproduces fastai 1's `bn_drop_lin` (the article's fastai 1.x `cnn_learner`), which
   * kept the bias.
   */
  bias?: boolean;
  /**
   * Output activation. Default `'softmax'` (for categorical cross-entropy on probabilities, as the
   * rest of the toolkit trains); `'linear'` gives fastai's raw logits (its loss applies the softmax).
   */
  activation?: 'softmax' | 'linear';
  /** Prefix of the head's layer names (default `'head_'`). */
  prefix?: string;
}

const isRate = (p: unknown): p is number => typeof p === 'number' && Number.isFinite(p) && p >= 0 && p < 1;

/**
 * fastai's `create_head(nf, n_out)` (fastai 2, defaults: `concat_pool=True`, `first_bn=True`,
 * `lin_first=False`, `ps=0.5`, `lin_ftrs=[512]`) on a channels-last feature map with `nf` channels:
 *
 *   AdaptiveConcatPool2d = concatenate([GlobalMaxPooling2D, GlobalAveragePooling2D]) (max first,
 *   like `torch.cat([mp(x), ap(x)], 1)`) → 2·nf · [Flatten: a no-op here, global pooling already
 *   gives (batch, 2·nf)] · BatchNorm1d(2nf) · Dropout(0.25) · Linear(2nf → 512, no bias) · ReLU ·
 *   BatchNorm1d(512) · Dropout(0.5) · Linear(512 → n, no bias) [· softmax]
 *
 * Layer names (prefix `head_`): `concat_pool_max`, `concat_pool_avg`, `concat_pool`, then per
 * LinBnDrop i = 1, 2, …: `bn_i`, `dropout_i`, `linear_i`, and `relu_i` after hidden ones.
 * BatchNorm1d is PyTorch's: epsilon 1e-5, momentum 0.1 (Keras momentum 0.9). Linear kernels get
 * fastai's `cnn_learner` head init, `kaiming_normal_` (N(0, 2/fan_in)), biases zero.
 * On ResNet50's 2048 channels with 2 classes: 8,192 + 2,097,152 + 1,024 + 1,024 = 2,107,392
 * trainable and 9,216 non-trainable (BN moving statistics) parameters; 2,117,122 in all with `bias: true`.
 */
export function fastaiHead(options: FastaiHeadOptions): HeadBuilder {
  const numClasses = options?.numClasses;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new CxrError('E_BAD_ARGUMENT', `fastaiHead: numClasses must be an integer ≥ 2, got ${String(numClasses)}.`);
  }
  const hidden = typeof options.hidden === 'number' ? [options.hidden] : [...(options.hidden ?? [512])];
  if (!hidden.every((h) => Number.isInteger(h) && h >= 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `fastaiHead: hidden must be positive integers, got ${JSON.stringify(options.hidden)}.`);
  }
  const d = options.dropout ?? 0.5;
  const ps = typeof d === 'number' ? [...hidden.map(() => d / 2), d] : [...d];
  if (ps.length !== hidden.length + 1 || !ps.every(isRate)) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `fastaiHead: dropout must be one rate or ${hidden.length + 1} rates in [0, 1) (one per Linear), got ${JSON.stringify(options.dropout)}.`,
    );
  }
  const activation = options.activation ?? 'softmax';
  if (activation !== 'softmax' && activation !== 'linear') {
    throw new CxrError('E_BAD_ARGUMENT', `fastaiHead: activation must be 'softmax' or 'linear', got ${String(activation)}.`);
  }
  const prefix = options.prefix ?? 'head_';
  const useBias = options.bias ?? false;
  const seed = options.seed;
  return (features) => {
    if (features.shape.length !== 4) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `fastaiHead: expects a 4-D feature map [batch, h, w, c], got shape [${features.shape.join(', ')}].`,
      );
    }
    const rng = seed === undefined ? null : createRng(seed);
    const mp = tfl.layers.globalMaxPooling2d({ name: `${prefix}concat_pool_max` }).apply(features) as tfl.SymbolicTensor;
    const ap = tfl.layers.globalAveragePooling2d({ name: `${prefix}concat_pool_avg` }).apply(features) as tfl.SymbolicTensor;
    let x = tfl.layers.concatenate({ name: `${prefix}concat_pool`, axis: -1 }).apply([mp, ap]) as tfl.SymbolicTensor;
    const sizes = [...hidden, numClasses];
    for (const [i, units] of sizes.entries()) {
      const k = i + 1;
      const last = i === sizes.length - 1;
      const fanIn = x.shape[x.shape.length - 1] as number;
      x = tfl.layers.batchNormalization({ name: `${prefix}bn_${k}`, axis: -1, epsilon: 1e-5, momentum: 0.9 }).apply(x) as tfl.SymbolicTensor;
      const rate = ps[i] as number;
      if (rate > 0) x = tfl.layers.dropout({ name: `${prefix}dropout_${k}`, rate }).apply(x) as tfl.SymbolicTensor;
      x = tfl.layers
        .dense({
          name: `${prefix}linear_${k}`,
          units,
          useBias,
          kernelInitializer: tfl.initializers.randomNormal({
            mean: 0,
            stddev: Math.sqrt(2 / fanIn),
            ...(rng ? { seed: rng.seed() } : {}),
          }),
          biasInitializer: 'zeros',
        })
        .apply(x) as tfl.SymbolicTensor;
      if (!last) x = tfl.layers.activation({ name: `${prefix}relu_${k}`, activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
    }
    if (activation === 'softmax') {
      x = tfl.layers.activation({ name: `${prefix}softmax`, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
    }
    return x;
  };
}
