import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { applyWeightArtifacts, type LoadWeightsOptions, type LoadWeightsReport } from '../weights/load-weights.js';
import { readKerasH5, type KerasH5Weights } from './read-keras-h5.js';

export interface LoadKerasH5Options extends LoadWeightsOptions {
  /** Name of the source in messages and errors (e.g. the file path). */
  source?: string;
}

/**
 * Load the weights of a Keras 2 `.h5` file — `model.save('x.h5')` (full model) or
 * `model.save_weights('x.h5')` — into a cxr model, with no Python converter: the file is read
 * with h5wasm (browsers and Node). Weights are matched by `layer/weight` name, so a cxr backbone
 * built with Keras' layer names takes the weights of the same Keras application; a file layer
 * that is itself a nested model (e.g. the backbone inside `Sequential([base, head])`) matches by
 * its inner weight names. Shapes are checked. Strict by default: a file of another architecture
 * throws `WeightsMismatchError` (`E_MODEL_LOAD`, or `E_SHAPE_MISMATCH` when shapes differ) whose
 * `report` lists the missing, unexpected and shape-mismatched weights, and the model is left
 * untouched. `{ strict: false }` loads what matches and returns the same lists.
 */
export async function loadKerasH5Weights(
  model: tfl.LayersModel,
  bytes: Uint8Array | ArrayBuffer,
  options: LoadKerasH5Options = {},
): Promise<LoadWeightsReport> {
  const source = options.source ?? 'the Keras .h5 file';
  const file = await readKerasH5(bytes, source);
  return applyWeightArtifacts(model, kerasH5ToArtifacts(file, model), { ...options, source });
}

/**
 * The file's weights as tfjs artifacts (weight specs named `layer/weight` + one buffer). A weight
 * is named after its layer group when the model has that layer (Keras' by-name rule, robust to
 * TF1-style `conv1_1/kernel:0` variable names); otherwise by its own name (a nested model's
 * group holds its inner layers' weights, `conv1/kernel:0`).
 */
export function kerasH5ToArtifacts(file: KerasH5Weights, model: tfl.LayersModel): tf.io.ModelArtifacts {
  const modelWeightNames = new Set(model.layers.flatMap((layer) => layer.weights.map((w) => w.originalName)));
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const layer of file.layers) {
    for (const weight of layer.weights) {
      const own = `${layer.name}/${weight.name.split('/').pop() ?? weight.name}`;
      const name = modelWeightNames.has(own) ? own : weight.name;
      weightSpecs.push({ name, shape: weight.shape, dtype: weight.dtype });
      buffers.push(new Uint8Array(weight.values.buffer, weight.values.byteOffset, weight.values.byteLength));
    }
  }
  const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.length;
  }
  return { weightSpecs, weightData: weightData.buffer };
}
