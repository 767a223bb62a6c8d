import { open, readFile, rename, rm, stat, mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { expectedWeightBytes, serializeModel } from './artifacts.js';
import { loadModel as loadFromUrl, type LoadModelOptions } from '../load.js';
import { registerCustomLayers } from '../layers/register.js';

export interface SaveModelOptions {
  /** Stored as `userDefinedMetadata` in model.json (class names, input size, …). */
  metadata?: Record<string, unknown>;
}

export interface SavedModelInfo {
  /** Absolute path of model.json. */
  modelJson: string;
  /** Absolute path of weights.bin. */
  weights: string;
  weightBytes: number;
}

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** Write, flush to disk, then rename over the target: readers see the old file or the new one, never half of one. */
async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Save `model` into directory `dir` (created if needed) as `model.json` + `weights.bin`.
 * Each file is written atomically, weights first, so an interrupted save leaves either the
 * previous model or the new one loadable; other files in `dir` are left alone.
 * Failures are `CxrError` `E_IO`.
 */
export async function saveModel(
  model: tfl.LayersModel,
  dir: string,
  options: SaveModelOptions = {},
): Promise<SavedModelInfo> {
  const target = resolve(dir);
  const { modelJson, weights } = await serializeModel(model, {
    weightsFile: WEIGHTS_BIN,
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
  const info: SavedModelInfo = {
    modelJson: join(target, MODEL_JSON),
    weights: join(target, WEIGHTS_BIN),
    weightBytes: weights.byteLength,
  };
  try {
    await mkdir(target, { recursive: true });
    await writeFileAtomic(info.weights, new Uint8Array(weights));
    await writeFileAtomic(info.modelJson, JSON.stringify(modelJson));
  } catch (error) {
    throw new CxrError(
      'E_IO',
      `Could not save the model to ${target}: ${error instanceof Error ? error.message : String(error)}. Check that the directory is writable.`,
      { path: target, cause: error },
    );
  }
  return info;
}

const loadError = (path: string, reason: string, cause?: unknown): CxrError =>
  new CxrError('E_MODEL_LOAD', `Could not load a model from ${path}: ${reason}`, { path, cause });

/** model.json of a directory, a model.json path, or a file:// URL of either. */
async function resolveModelJson(pathOrUrl: string): Promise<string> {
  const path = resolve(pathOrUrl.startsWith('file://') ? fileURLToPath(pathOrUrl) : pathOrUrl);
  let stats;
  try {
    stats = await stat(path);
  } catch (error) {
    throw loadError(path, 'no such file or directory. Pass the directory saveModel wrote, or its model.json.', error);
  }
  return stats.isDirectory() ? join(path, MODEL_JSON) : path;
}

function parseModelJson(text: string, path: string): tf.io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw loadError(path, 'model.json is not valid JSON (corrupt or truncated file).', error);
  }
  const candidate = json as Partial<tf.io.ModelJSON> | null;
  if (!candidate || typeof candidate !== 'object' || !candidate.modelTopology) {
    throw loadError(path, 'model.json has no modelTopology; it is not a tfjs layers-model.');
  }
  if (!Array.isArray(candidate.weightsManifest)) {
    throw loadError(path, 'model.json has no weightsManifest.');
  }
  return candidate as tf.io.ModelJSON;
}

async function readWeights(manifest: tf.io.WeightsManifestConfig, modelJsonPath: string): Promise<ArrayBuffer> {
  const base = dirname(modelJsonPath);
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    for (const file of group.paths) {
      const path = resolve(base, file);
      const rel = relative(base, path);
      // A manifest must not make us read files outside the model's directory.
      if (rel.startsWith('..') || isAbsolute(rel)) {
        throw loadError(modelJsonPath, `weights path "${file}" points outside the model directory.`);
      }
      try {
        parts.push(await readFile(path));
      } catch (error) {
        throw loadError(path, `weights file listed in ${modelJsonPath} cannot be read.`, error);
      }
    }
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const expected = expectedWeightBytes(manifest);
  if (expected !== null && expected !== total) {
    throw loadError(base, `weights hold ${total} bytes but model.json describes ${expected} (truncated or mismatched files).`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out.buffer;
}

/**
 * Load a model saved by `saveModel` (or any tfjs layers-model on disk): a directory, its
 * `model.json`, or a `file://` URL; `http(s)://` and other URL schemes go through the
 * browser-compatible loader. Missing or corrupt files → `CxrError` `E_MODEL_LOAD` with `path`.
 */
export async function loadModel(pathOrUrl: string, options: LoadModelOptions = {}): Promise<tfl.LayersModel> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUrl) && !pathOrUrl.startsWith('file://')) {
    return loadFromUrl(pathOrUrl, options);
  }
  registerCustomLayers();
  const { artifacts, modelJsonPath } = await readModelArtifacts(pathOrUrl);
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: options.strict ?? true });
  } catch (error) {
    if (error instanceof CxrError) throw error;
    throw loadError(modelJsonPath, `${error instanceof Error ? error.message : String(error)}.`, error);
  }
}

/**
 * The artifacts (topology, weight specs, weight data) of a tfjs layers-model on disk — a
 * directory, its model.json or a file:// URL — without building the model. Same checks and
 * `E_MODEL_LOAD` errors as `loadModel`. Used by `loadWeights`.
 */
export async function readModelArtifacts(pathOrUrl: string): Promise<{ artifacts: tf.io.ModelArtifacts; modelJsonPath: string }> {
  const modelJsonPath = await resolveModelJson(pathOrUrl);
  let text: string;
  try {
    text = await readFile(modelJsonPath, 'utf8');
  } catch (error) {
    throw loadError(modelJsonPath, 'model.json cannot be read.', error);
  }
  const json = parseModelJson(text, modelJsonPath);
  const weights = await readWeights(json.weightsManifest, modelJsonPath);
  try {
    const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => [
      manifest.flatMap((group) => group.weights),
      weights,
    ]);
    return { artifacts, modelJsonPath };
  } catch (error) {
    if (error instanceof CxrError) throw error;
    throw loadError(modelJsonPath, `${error instanceof Error ? error.message : String(error)}.`, error);
  }
}
