import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { readModelArtifacts } from './node-files.js';
import { applyWeightArtifacts, type LoadWeightsOptions, type LoadWeightsReport } from '../weights/load-weights.js';
import { loadWeights as loadWeightsFrom } from '../weights/load-weights-from.js';

/**
 * `loadWeights` for Node: `source` may also be a directory holding model.json, a model.json
 * path or a file:// URL (e.g. ImageNet weights converted with `tensorflowjs_converter
 * --input_format keras`); other URLs and IOHandlers go through the browser-safe loader.
 * Name-matched, shape-checked; see `applyWeightArtifacts` for strict / non-strict behaviour.
 */
export async function loadWeights(
  model: tfl.LayersModel,
  source: string | tf.io.IOHandler,
  options: LoadWeightsOptions = {},
): Promise<LoadWeightsReport> {
  if (typeof source !== 'string' || (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !source.startsWith('file://'))) {
    return loadWeightsFrom(model, source, options);
  }
  const { artifacts, modelJsonPath } = await readModelArtifacts(source);
  return applyWeightArtifacts(model, artifacts, { ...options, source: modelJsonPath });
}
