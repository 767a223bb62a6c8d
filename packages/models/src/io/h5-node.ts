import { readFile } from 'node:fs/promises';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { loadKerasH5Weights as loadFromBytes, type LoadKerasH5Options } from '../h5/load-keras-h5.js';
import type { LoadWeightsReport } from '../weights/load-weights.js';

/**
 * `loadKerasH5Weights` for Node: `source` is a path to a Keras `.h5` file (or its bytes). Errors
 * carry the path. See the browser-safe `loadKerasH5Weights` in `@cxr/models` for the matching rules.
 */
export async function loadKerasH5Weights(
  model: tfl.LayersModel,
  source: string | Uint8Array | ArrayBuffer,
  options: LoadKerasH5Options = {},
): Promise<LoadWeightsReport> {
  if (typeof source !== 'string') return loadFromBytes(model, source, options);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(source);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'E_NOT_FOUND' : 'E_IO';
    throw new CxrError(code, `Cannot read Keras weights ${source}: ${(error as Error).message}`, { path: source, cause: error });
  }
  try {
    return await loadFromBytes(model, bytes, { ...options, source: options.source ?? source });
  } catch (error) {
    if (error instanceof CxrError && error.path === undefined && !('report' in error)) {
      throw new CxrError(error.code, error.message, { path: source, cause: error });
    }
    throw error;
  }
}
