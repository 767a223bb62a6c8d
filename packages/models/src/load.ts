import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { registerCustomLayers } from './layers/register.js';

export interface LoadModelOptions {
  /** Fail when the weights do not match the topology exactly (default true). */
  strict?: boolean;
  /** Called with the fraction loaded, 0…1. */
  onProgress?: (fraction: number) => void;
}

/**
 * Load a tfjs layers-model from a URL (`http(s)://…/model.json`, `indexeddb://name`,
 * `localstorage://name`) or any `tf.io.IOHandler`. cxr's custom layers are registered first.
 * Failures are `CxrError` `E_MODEL_LOAD` with the source as `path`. For files in Node use
 * `loadModel` from `@cxr/models/node`.
 */
export async function loadModel(
  source: string | tf.io.IOHandler,
  options: LoadModelOptions = {},
): Promise<tfl.LayersModel> {
  registerCustomLayers();
  const where = typeof source === 'string' ? source : 'IOHandler';
  try {
    return await tfl.loadLayersModel(source, {
      strict: options.strict ?? true,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (error) {
    if (error instanceof CxrError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CxrError(
      'E_MODEL_LOAD',
      `Could not load a model from ${where}: ${reason}. Check that it points at a tfjs layers-model (model.json + weights).`,
      { path: where, cause: error },
    );
  }
}
