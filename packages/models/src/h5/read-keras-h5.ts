import { CxrError } from '@cxr/core';
import type * as H5 from 'h5wasm';

/** One weight of a Keras .h5 file, in file order. */
export interface KerasH5Weight {
  /** The weight's name as Keras wrote it, without the `:0` suffix, e.g. `conv1/kernel`. */
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

/** One layer group of a Keras .h5 file. */
export interface KerasH5Layer {
  name: string;
  weights: KerasH5Weight[];
}

/** The weights of a Keras 2 .h5 file (what `model.save('x.h5')` or `model.save_weights('x.h5')` wrote). */
export interface KerasH5Weights {
  /** 'model': a full model (`model_weights/` group); 'weights': a `save_weights` file. */
  layout: 'model' | 'weights';
  kerasVersion: string | undefined;
  backend: string | undefined;
  /** Layers in the order of the file's `layer_names` (the saving model's layer order), weightless ones included. */
  layers: KerasH5Layer[];
}

type H5Module = typeof H5;
let h5: Promise<H5Module> | undefined;
let fileCounter = 0;

/** h5wasm (libhdf5 compiled to wasm), loaded on first use so that it costs nothing until then. */
function loadH5wasm(): Promise<H5Module> {
  h5 ??= import('h5wasm').then(async (mod) => {
    const lib = ((mod as unknown as { default?: H5Module }).default ?? mod) as H5Module;
    await lib.ready;
    return lib;
  });
  return h5;
}

/**
 * Read the weights of a Keras 2 HDF5 file (bytes), in Node and browsers alike (h5wasm, an
 * in-memory file system). Full-model and save_weights layouts; attributes split by Keras into
 * `layer_names0`, `layer_names1`, … are joined. float64 / float16 weights become float32, integer
 * ones int32. Not a Keras 2 file → `E_MODEL_LOAD` saying what it is instead.
 */
export async function readKerasH5(bytes: Uint8Array | ArrayBuffer, source = 'the .h5 file'): Promise<KerasH5Weights> {
  const lib = await loadH5wasm();
  const Module = await lib.ready;
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (data.length < 8 || !(data[0] === 0x89 && data[1] === 0x48 && data[2] === 0x44 && data[3] === 0x46)) {
    throw new CxrError('E_MODEL_LOAD', `${source} is not an HDF5 file (no \\x89HDF signature). Keras .h5 files are HDF5.`);
  }
  const path = `/cxr-keras-${++fileCounter}.h5`;
  Module.FS.writeFile(path, data);
  let file: H5.File | undefined;
  try {
    file = new lib.File(path, 'r');
    return readLayers(file, source);
  } catch (error) {
    if (error instanceof CxrError) throw error;
    throw new CxrError('E_MODEL_LOAD', `Could not read ${source} as HDF5: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  } finally {
    file?.close();
    Module.FS.unlink(path);
  }
}

function readLayers(file: H5.File, source: string): KerasH5Weights {
  const keys = file.keys();
  let root: H5.Group = file;
  let layout: KerasH5Weights['layout'] = 'weights';
  if (keys.includes('model_weights')) {
    root = file.get('model_weights') as H5.Group;
    layout = 'model';
  }
  const layerNames = stringList(root, 'layer_names');
  if (layerNames === undefined) {
    const keras3 = keys.includes('layers') || keys.includes('_layer_checkpoint_dependencies');
    throw new CxrError(
      'E_MODEL_LOAD',
      keras3
        ? `${source} is a Keras 3 \`.weights.h5\` file (groups layers/<name>/vars/<i>), which cxr does not read. ` +
            "Save a Keras 2 layout instead: in Keras 3, `model.save('model.h5')` (legacy HDF5), then load that file."
        : `${source} is HDF5 but not a Keras weights file: no \`layer_names\` attribute at the root or in \`model_weights/\` ` +
            `(top-level entries: ${keys.slice(0, 10).join(', ') || 'none'}).`,
    );
  }
  const layers: KerasH5Layer[] = [];
  for (const name of layerNames) {
    const group = root.get(name);
    if (!group || !(group instanceof Object) || typeof (group as H5.Group).keys !== 'function') {
      throw new CxrError('E_MODEL_LOAD', `${source} lists layer "${name}" in layer_names but has no group for it: the file is truncated or not written by Keras.`);
    }
    const weightNames = stringList(group as H5.Group, 'weight_names') ?? [];
    layers.push({ name, weights: weightNames.map((w) => readWeight(group as H5.Group, w, name, source)) });
  }
  return {
    layout,
    kerasVersion: stringAttr(file, 'keras_version') ?? stringAttr(root, 'keras_version'),
    backend: stringAttr(file, 'backend') ?? stringAttr(root, 'backend'),
    layers,
  };
}

function readWeight(group: H5.Group, h5Name: string, layer: string, source: string): KerasH5Weight {
  const dataset = group.get(h5Name) as H5.Dataset | null;
  if (!dataset || typeof (dataset as H5.Dataset).shape === 'undefined') {
    throw new CxrError('E_MODEL_LOAD', `${source}: layer "${layer}" names weight "${h5Name}" but the file has no such dataset.`);
  }
  const shape = dataset.shape ?? [];
  const raw = dataset.value;
  const name = h5Name.replace(/:\d+$/, '');
  const integer = raw instanceof Int8Array || raw instanceof Int16Array || raw instanceof Int32Array || raw instanceof Uint8Array ||
    raw instanceof Uint16Array || raw instanceof Uint32Array || raw instanceof BigInt64Array || raw instanceof BigUint64Array ||
    typeof raw === 'bigint' || (typeof raw === 'number' && dataset.metadata.type === 0);
  const list: ArrayLike<number | bigint> = ArrayBuffer.isView(raw) ? (raw as unknown as ArrayLike<number | bigint>) : [raw as number | bigint];
  if (typeof raw !== 'number' && typeof raw !== 'bigint' && !ArrayBuffer.isView(raw)) {
    throw new CxrError('E_MODEL_LOAD', `${source}: weight "${layer}/${h5Name}" is not numeric (HDF5 type ${JSON.stringify(dataset.dtype)}).`);
  }
  const values = integer ? Int32Array.from(list, Number) : raw instanceof Float32Array ? raw.slice() : Float32Array.from(list, Number);
  return { name, shape, dtype: integer ? 'int32' : 'float32', values };
}

/** A string-array attribute, joined across Keras' chunked `name0`, `name1`, … form; undefined when absent. */
function stringList(group: H5.Group, name: string): string[] | undefined {
  const attrs = group.attrs;
  if (attrs[name]) return toStrings(attrs[name].value);
  if (!attrs[`${name}0`]) return undefined;
  const out: string[] = [];
  for (let i = 0; attrs[`${name}${i}`]; i++) out.push(...toStrings((attrs[`${name}${i}`] as H5.Attribute).value));
  return out;
}

function stringAttr(group: H5.Group, name: string): string | undefined {
  const value = group.attrs[name]?.value;
  return typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value) : undefined;
}

function toStrings(value: unknown): string[] {
  // Keras writes byte strings (fixed-length 'S'); a weightless layer gets an empty float64 array.
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
  if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<unknown>).length === 0) return [];
  if (value === null || value === undefined) return [];
  throw new CxrError('E_MODEL_LOAD', `Unexpected attribute value in a Keras .h5 file: ${String(value).slice(0, 80)} (expected a list of names).`);
}
