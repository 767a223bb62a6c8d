import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { freeze, selectLayers, unfreeze, type FreezeOptions, type LayerSelector } from '../freeze.js';
import { recordedBody } from './body.js';

type Layer = tfl.LayersModel['layers'][number];

export interface FreezeBodyOptions {
  /**
   * fastai's `train_bn` (default true): BatchNormalization layers of the body stay trainable —
   * γ/β are trained and, being trainable, they normalise with batch statistics and update their
   * moving averages while fitting, as PyTorch BN in train mode does. `false` freezes them too
   * (then `freezeOptions.batchNormInference`, default true, makes them run in inference mode, Keras-style).
   */
  trainBatchNorm?: boolean;
  /**
   * Which layers are the body. Default: the backbone layers `transferModel` recorded for this model
   * (not kept across save/load). Otherwise the backbone model itself (its layers, matched by identity
   * or name), or a `LayerSelector` over `model`'s layers, e.g. `{ to: 175 }`.
   */
  body?: tfl.LayersModel | LayerSelector;
  /** Alternative to `body`: the body is every layer up to and including this one, e.g. `'conv5_block3_out'`. */
  lastBodyLayer?: string;
  /** Passed to `freeze` for the body layers it freezes. */
  freezeOptions?: FreezeOptions;
}

/** Indices of the body layers of `model`. */
export function bodyLayerIndices(model: tfl.LayersModel, options: Pick<FreezeBodyOptions, 'body' | 'lastBodyLayer'> = {}): number[] {
  const layers = model.layers;
  if (options.lastBodyLayer !== undefined) {
    const [end] = selectLayers(model, options.lastBodyLayer);
    return layers.map((_, i) => i).slice(0, (end as number) + 1);
  }
  const body = options.body;
  if (body !== undefined && typeof body === 'object' && 'layers' in body && Array.isArray((body as tfl.LayersModel).layers)) {
    const own = new Set<Layer>((body as tfl.LayersModel).layers);
    const names = new Set([...own].map((l) => l.name));
    const picked = layers.map((l, i) => (own.has(l) || names.has(l.name) ? i : -1)).filter((i) => i >= 0);
    if (!picked.length) throw new CxrError('E_BAD_ARGUMENT', 'freezeBody: none of the body model’s layers is in the model.');
    return picked;
  }
  if (body !== undefined) return selectLayers(model, body as LayerSelector);
  const recorded = recordedBody(model);
  if (!recorded) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `freezeBody: model ${JSON.stringify(model.name)} was not built by transferModel (or was reloaded); pass { body: backbone } or { lastBodyLayer: 'conv5_block3_out' }.`,
    );
  }
  return layers.map((l, i) => (recorded.has(l) ? i : -1)).filter((i) => i >= 0);
}

const isBatchNorm = (l: Layer): boolean => l.getClassName() === 'BatchNormalization';

/**
 * fastai's `learn.freeze()` for a body + head model (e.g. `transferModel`): every body layer is
 * frozen except BatchNormalization layers (`train_bn=True`, unless `trainBatchNorm: false`), and
 * every head layer is made trainable. Returns how many layers changed state. Recompile afterwards
 * (tfjs collects trainable weights in `compile`).
 */
export function freezeBody(model: tfl.LayersModel, options: FreezeBodyOptions = {}): number {
  const trainBn = options.trainBatchNorm ?? true;
  const body = new Set(bodyLayerIndices(model, options));
  const layers = model.layers;
  const all = layers.map((_, i) => i);
  const toFreeze = all.filter((i) => body.has(i) && !(trainBn && isBatchNorm(layers[i] as Layer)));
  const toTrain = all.filter((i) => !toFreeze.includes(i) && (layers[i] as Layer).getClassName() !== 'InputLayer');
  return (
    (toFreeze.length ? freeze(model, toFreeze, options.freezeOptions) : 0) +
    (toTrain.length ? unfreeze(model, toTrain, options.freezeOptions) : 0)
  );
}

/** fastai's `learn.unfreeze()`: every layer trainable (InputLayer excepted). Returns how many changed. */
export function unfreezeAll(model: tfl.LayersModel, options: FreezeOptions = {}): number {
  return unfreeze(model, (l) => l.getClassName() !== 'InputLayer', options);
}
