import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The serialised form of a model in memory: topology + weight specs + one weight buffer. */
export interface SerializedModel {
  /** The `model.json` object, with its manifest pointing at `weightsFile`. */
  modelJson: tf.io.ModelJSON;
  /** All weights, concatenated in manifest order. */
  weights: ArrayBuffer;
}

/**
 * Serialise a model to the tfjs layers-model format (`model.json` + one weights file) without
 * touching any storage: works the same in Node and in a browser.
 */
export async function serializeModel(
  model: tfl.LayersModel,
  options: { weightsFile?: string; metadata?: Record<string, unknown> } = {},
): Promise<SerializedModel> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.modelTopology || !captured.weightSpecs) {
    throw new Error('model.save produced no topology or weights');
  }
  const weights = captured.weightData
    ? tf.io.CompositeArrayBuffer.join(captured.weightData)
    : new ArrayBuffer(0);
  // JSON-serialisable by contract; tfjs types it as {} values.
  const userDefinedMetadata = { ...(captured.userDefinedMetadata ?? {}), ...(options.metadata ?? {}) } as Record<string, {}>;
  const modelJson: tf.io.ModelJSON = {
    modelTopology: captured.modelTopology,
    format: captured.format ?? 'layers-model',
    generatedBy: captured.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_core}`,
    convertedBy: '@cxr/models',
    weightsManifest: [{ paths: [options.weightsFile ?? 'weights.bin'], weights: captured.weightSpecs }],
    ...(captured.trainingConfig ? { trainingConfig: captured.trainingConfig } : {}),
    ...(Object.keys(userDefinedMetadata).length ? { userDefinedMetadata } : {}),
  };
  return { modelJson, weights };
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, int16: 2, uint16: 2, float16: 2 };

/**
 * Bytes the manifest says the weights take, or null when it cannot tell (quantised or
 * string weights). Used to reject a truncated weights file with a clear error.
 */
export function expectedWeightBytes(manifest: tf.io.WeightsManifestConfig): number | null {
  let total = 0;
  for (const group of manifest) {
    for (const spec of group.weights) {
      const dtype = spec.quantization?.dtype ?? spec.dtype;
      const bytes = BYTES_PER_DTYPE[dtype];
      if (bytes === undefined) return null;
      total += spec.shape.reduce((a, b) => a * b, 1) * bytes;
    }
  }
  return total;
}
