import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';

type Layer = tfl.LayersModel['layers'][number];

/**
 * Which layers of a model to (un)freeze:
 * - a string: one layer by exact name (unknown names are `E_BAD_ARGUMENT`);
 * - a RegExp: every layer whose name matches, e.g. `/^block_1[3-6]_/`;
 * - a number: one layer by index (negative counts from the end, like Python);
 * - `{ from?, to? }`: the index range `layers[from:to]`, Python slice semantics (to exclusive,
 *   negative from the end), e.g. Keras' `layers[:100]` is `{ to: 100 }`;
 * - a predicate `(layer, index) => boolean`;
 * - an array of names and/or indices.
 */
export type LayerSelector =
  | string
  | RegExp
  | number
  | { from?: number; to?: number }
  | ((layer: Layer, index: number) => boolean)
  | ReadonlyArray<string | number>;

export interface FreezeOptions {
  /**
   * Keras ≥ 2.x semantics for frozen BatchNormalization (default true): a BN layer with
   * `trainable = false` runs in inference mode (moving statistics, which are not updated) even
   * while fitting. tfjs itself only stops the optimiser from changing γ and β and keeps
   * normalising with batch statistics and updating the moving mean/variance during `fit`;
   * with this option the selected BN layers get a small per-instance `call` wrapper that passes
   * `training: false` while the layer is frozen (it follows later `trainable` changes too).
   * Not saved with the model: call `freeze` again after loading.
   */
  batchNormInference?: boolean;
}

function layerIndex(layers: readonly Layer[], i: number): number {
  const n = layers.length;
  const k = i < 0 ? n + i : i;
  if (!Number.isInteger(i) || k < 0 || k >= n) {
    throw new CxrError('E_BAD_ARGUMENT', `Layer index ${i} is out of range for a model with ${n} layers.`);
  }
  return k;
}

function layerByName(layers: readonly Layer[], name: string): number {
  const k = layers.findIndex((l) => l.name === name);
  if (k < 0) {
    const needle = name.toLowerCase();
    const close = layers.map((l) => l.name).filter((n) => n.toLowerCase().includes(needle.slice(0, 6)));
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `No layer named ${JSON.stringify(name)}${close.length ? `; similar: ${close.slice(0, 8).join(', ')}` : ''}. Pass a RegExp to match several layers.`,
    );
  }
  return k;
}

const sliceIndex = (i: number | undefined, n: number, fallback: number): number => {
  if (i === undefined) return fallback;
  if (!Number.isInteger(i)) throw new CxrError('E_BAD_ARGUMENT', `Layer range bounds must be integers, got ${i}.`);
  return Math.min(n, Math.max(0, i < 0 ? n + i : i));
};

/** Indices of the layers a selector picks (all layers when `selector` is undefined). */
export function selectLayers(model: tfl.LayersModel, selector?: LayerSelector): number[] {
  const layers = model.layers;
  const all = layers.map((_, i) => i);
  if (selector === undefined) return all;
  if (typeof selector === 'string') return [layerByName(layers, selector)];
  if (typeof selector === 'number') return [layerIndex(layers, selector)];
  if (selector instanceof RegExp) {
    const re = new RegExp(selector.source, selector.flags.replace(/[gy]/g, ''));
    return all.filter((i) => re.test((layers[i] as Layer).name));
  }
  if (typeof selector === 'function') return all.filter((i) => selector(layers[i] as Layer, i));
  if (Array.isArray(selector)) {
    const picked = (selector as ReadonlyArray<string | number>).map((s) =>
      typeof s === 'number' ? layerIndex(layers, s) : layerByName(layers, s),
    );
    return [...new Set(picked)].sort((a, b) => a - b);
  }
  if (typeof selector === 'object' && selector !== null) {
    const { from, to } = selector as { from?: number; to?: number };
    const start = sliceIndex(from, layers.length, 0);
    const end = sliceIndex(to, layers.length, layers.length);
    return all.slice(start, Math.max(start, end));
  }
  throw new CxrError('E_BAD_ARGUMENT', `Unsupported layer selector: ${String(selector)}.`);
}

const PATCHED = Symbol.for('cxr.bnInferenceWhenFrozen');

/** Make a BatchNormalization layer run in inference mode whenever it is not trainable (Keras TF2 semantics). */
function bnInferenceWhenFrozen(layer: Layer): void {
  const target = layer as Layer & { [PATCHED]?: true };
  if (layer.getClassName() !== 'BatchNormalization' || target[PATCHED]) return;
  const original = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => original(inputs, layer.trainable ? kwargs : { ...kwargs, training: false });
  target[PATCHED] = true;
}

function setTrainable(model: tfl.LayersModel, trainable: boolean, selector: LayerSelector | undefined, options: FreezeOptions): number {
  let changed = 0;
  for (const i of selectLayers(model, selector)) {
    const layer = model.layers[i] as Layer;
    if (options.batchNormInference ?? true) bnInferenceWhenFrozen(layer);
    if (layer.trainable !== trainable) {
      layer.trainable = trainable;
      changed++;
    }
  }
  return changed;
}

/**
 * Keras' `layer.trainable = False` for the selected layers (all when `selector` is omitted):
 * their weights stop being trained. Returns how many layers changed state (layers without
 * weights, e.g. ReLU, count too when their flag flips; tfjs' InputLayer starts non-trainable). Like Keras, a model that is
 * already compiled must be compiled again for the change to reach `fit` (tfjs collects the
 * trainable weights in `compile`). See `FreezeOptions.batchNormInference` for BatchNormalization.
 */
export function freeze(model: tfl.LayersModel, selector?: LayerSelector, options: FreezeOptions = {}): number {
  return setTrainable(model, false, selector, options);
}

/** The reverse of `freeze`: `layer.trainable = True` for the selected layers; returns how many changed. */
export function unfreeze(model: tfl.LayersModel, selector?: LayerSelector, options: FreezeOptions = {}): number {
  return setTrainable(model, true, selector, options);
}
