import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { applyWeightArtifacts, type LoadWeightsOptions, type LoadWeightsReport } from './load-weights.js';

/** Read the artifacts (model.json + weights) behind a URL or IOHandler; failures are `E_MODEL_LOAD`. */
export async function readArtifacts(source: string | tf.io.IOHandler): Promise<tf.io.ModelArtifacts> {
  const where = typeof source === 'string' ? source : 'IOHandler';
  let handler: tf.io.IOHandler | undefined;
  if (typeof source === 'string') {
    handler = tf.io.getLoadHandlers(source)[0];
    if (!handler) {
      throw new CxrError(
        'E_MODEL_LOAD',
        `No tfjs loader handles ${source}. Use an http(s):// URL of model.json, indexeddb://name, an IOHandler, or, for files in Node, loadWeights from '@cxr/models/node'.`,
        { path: source },
      );
    }
  } else {
    handler = source;
  }
  if (typeof handler.load !== 'function') {
    throw new CxrError('E_MODEL_LOAD', `The IOHandler for ${where} cannot load (it has no load()).`, { path: where });
  }
  try {
    return await handler.load();
  } catch (error) {
    throw new CxrError('E_MODEL_LOAD', `Could not read weights from ${where}: ${error instanceof Error ? error.message : String(error)}.`, {
      path: where,
      cause: error,
    });
  }
}

/**
 * Load weights saved as a tfjs layers-model (model.json + shards) into `model`, matched by
 * `layer/weight` name with shapes checked (see `applyWeightArtifacts`). Browser-safe: `source`
 * is an `http(s)://…/model.json` URL, `indexeddb://…`, or an IOHandler; for paths on disk use
 * `loadWeights` from `@cxr/models/node`.
 */
export async function loadWeights(
  model: tfl.LayersModel,
  source: string | tf.io.IOHandler,
  options: LoadWeightsOptions = {},
): Promise<LoadWeightsReport> {
  const artifacts = await readArtifacts(source);
  return applyWeightArtifacts(model, artifacts, { ...options, source: typeof source === 'string' ? source : 'IOHandler' });
}
