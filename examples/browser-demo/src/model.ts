import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { loadModel } from '@cxr/models';

export interface LoadedModel {
  model: LayersModel;
  /** [height, width, channels] the model takes. */
  inputShape: [number, number, 1 | 3];
  /** Output units (1 = a single sigmoid / logit unit, two classes). */
  units: number;
  /** Whether the last layer already ends in softmax / sigmoid; otherwise the page applies it. */
  outputIsProbability: boolean;
  /** Class names stored in the model's metadata (`classes`), if any. */
  classes?: string[];
  source: string;
}

/** Load from `…/model.json` (URL) or from dropped files (model.json + its .bin shards). */
export async function loadFromUrl(url: string): Promise<LoadedModel> {
  return describeModel(await loadModel(url), url);
}

export async function loadFromFiles(files: File[]): Promise<LoadedModel> {
  const json = files.filter((f) => f.name.endsWith('.json'));
  if (json.length !== 1) {
    throw new CxrError('E_MODEL_LOAD', `Drop exactly one model.json together with its .bin weight files (got ${json.length} .json files).`);
  }
  const weights = files.filter((f) => f !== json[0]);
  if (weights.length === 0) throw new CxrError('E_MODEL_LOAD', `${json[0]!.name} came without its weight files: drop the .bin file(s) saved next to it as well.`);
  return describeModel(await loadModel(tf.io.browserFiles([json[0]!, ...weights])), json[0]!.name);
}

/** Check the model takes one image [null, h, w, 1|3] and gives class scores [null, k]; say what is wrong otherwise. */
export function describeModel(model: LayersModel, source: string): LoadedModel {
  const input = model.inputs.length === 1 ? model.inputs[0]!.shape : null;
  const output = model.outputs.length === 1 ? model.outputs[0]!.shape : null;
  const dims = (shape: readonly (number | null)[]): string => `[${shape.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
  const fail = (why: string): never => {
    model.dispose();
    throw new CxrError('E_SHAPE_MISMATCH', `This model cannot classify images here: ${why}. The demo needs one image input [null, height, width, 1 or 3] and one output [null, classes].`, {
      path: source,
    });
  };
  if (!input) return fail(`it has ${model.inputs.length} inputs`);
  if (input.length !== 4) return fail(`its input is ${dims(input)}, not an image batch`);
  const [, h, w, c] = input;
  if (!h || !w) return fail(`its input size is not fixed (${dims(input)})`);
  if (c !== 1 && c !== 3) return fail(`its input has ${c} channels`);
  if (!output || output.length !== 2 || !output[1]) return fail(`its output is ${output ? dims(output) : 'not a single tensor'}`);
  const last = model.layers[model.layers.length - 1]!;
  const activation = String((last.getConfig() as { activation?: unknown }).activation ?? 'linear');
  const meta = model.getUserDefinedMetadata() as { classes?: unknown } | undefined;
  const classes = Array.isArray(meta?.classes) ? meta.classes.map(String) : undefined;
  return {
    model,
    inputShape: [h, w, c],
    units: output[1],
    outputIsProbability: activation === 'softmax' || activation === 'sigmoid',
    ...(classes ? { classes } : {}),
    source,
  };
}

/** Default names when the model stores none: the cxr3 classes for 3 units, seed-000's for 2 or 1. */
export function defaultClassNames(units: number): string[] {
  if (units === 3) return ['COVID19', 'NORMAL', 'PNEUMONIA'];
  if (units <= 2) return ['COVID19', 'NORMAL'];
  return Array.from({ length: units }, (_, i) => `class ${i}`);
}

/** Class probabilities [n, k] (k = 2 for a single unit: [1 − p, p]) from the model's raw output. */
export function toProbabilities(loaded: LoadedModel, output: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    if (loaded.units === 1) {
      const p = loaded.outputIsProbability ? output : tf.sigmoid(output);
      return tf.concat([tf.sub(1, p), p], 1) as tf.Tensor2D;
    }
    return loaded.outputIsProbability ? tf.clone(output) : tf.softmax(output);
  });
}
