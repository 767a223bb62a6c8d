import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';

export interface LoadWeightsOptions {
  /**
   * Default true: any missing, unexpected or shape-mismatched weight is an error and nothing is
   * loaded. false: load every weight whose name and shape match, skip the rest, and report
   * them (e.g. ImageNet weights of a model with top into a backbone + new head).
   */
  strict?: boolean;
}

export interface ShapeMismatch {
  name: string;
  /** Shape in the model. */
  expected: number[];
  /** Shape in the file. */
  actual: number[];
}

export interface LoadWeightsReport {
  /** Model weights that were set (`layer/weight`, e.g. `Conv1/kernel`). */
  loaded: string[];
  /** Model weights the file does not have (left unchanged). */
  missing: string[];
  /** Weights in the file the model does not have (ignored). */
  unexpected: string[];
  /** Weights present in both with different shapes (left unchanged). */
  mismatched: ShapeMismatch[];
}

/** A `CxrError` from `loadWeights` carrying the full comparison. */
export class WeightsMismatchError extends CxrError {
  readonly report: LoadWeightsReport;
  constructor(code: 'E_MODEL_LOAD' | 'E_SHAPE_MISMATCH', message: string, report: LoadWeightsReport, path?: string) {
    super(code, message, path === undefined ? {} : { path });
    this.report = report;
  }
}

type Variable = tfl.LayersModel['weights'][number];

const LIST_MAX = 10;
const list = (names: string[]): string =>
  names.slice(0, LIST_MAX).join(', ') + (names.length > LIST_MAX ? `, … (${names.length - LIST_MAX} more)` : '');

/**
 * The model's weights by `layer/weight` name. tfjs names weights `${layer.name}/${weight}` and
 * may append `_1`, `_2`, … to the variable name when a name is reused; `originalName` keeps the
 * plain name, which is what model.json's weight specs use.
 */
function modelWeights(model: tfl.LayersModel): Map<string, Variable> {
  const byName = new Map<string, Variable>();
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const name = w.originalName;
      if (byName.has(name)) {
        throw new CxrError('E_MODEL_LOAD', `The model has two weights named ${name}; weights cannot be matched by name.`);
      }
      byName.set(name, w);
    }
  }
  return byName;
}

/**
 * Match a file weight name to a model weight: exactly, else by its last two path parts
 * (`layer/weight`), which drops a nesting model's or cell's prefix (`mobilenetv2_1.00_224/Conv1/kernel`).
 */
function resolveName(fileName: string, model: Map<string, Variable>): string | undefined {
  const clean = fileName.replace(/:\d+$/, '');
  if (model.has(clean)) return clean;
  const parts = clean.split('/');
  if (parts.length > 2) {
    const short = parts.slice(-2).join('/');
    if (model.has(short)) return short;
  }
  return undefined;
}

/**
 * Set `model`'s weights from tfjs layers-model artifacts (model.json's weight specs + data),
 * matched by `layer/weight` name, not by order, with shapes checked. The file's topology is
 * ignored, so weights of the same layers in a different model (e.g. a backbone with or without
 * a head) load. Strict (default): any missing / unexpected / mismatched weight throws a
 * `WeightsMismatchError` (`E_SHAPE_MISMATCH` when shapes differ, else `E_MODEL_LOAD`) listing
 * them, and the model is left untouched. Non-strict: loads what matches and returns the lists;
 * throws `E_MODEL_LOAD` only when nothing at all matches.
 */
export function applyWeightArtifacts(
  model: tfl.LayersModel,
  artifacts: tf.io.ModelArtifacts,
  options: LoadWeightsOptions & { source?: string } = {},
): LoadWeightsReport {
  const where = options.source ?? 'the weights';
  if (!artifacts.weightSpecs || !artifacts.weightData) {
    throw new CxrError('E_MODEL_LOAD', `${where} holds no weights (no weightSpecs / weight data).`, options.source ? { path: options.source } : {});
  }
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  } catch (error) {
    throw new CxrError('E_MODEL_LOAD', `Could not decode ${where}: ${error instanceof Error ? error.message : String(error)}.`, {
      ...(options.source ? { path: options.source } : {}),
      cause: error,
    });
  }
  try {
    const byName = modelWeights(model);
    const report: LoadWeightsReport = { loaded: [], missing: [], unexpected: [], mismatched: [] };
    const assignments: Array<[Variable, tf.Tensor]> = [];
    const seen = new Set<string>();
    for (const spec of artifacts.weightSpecs) {
      const target = resolveName(spec.name, byName);
      const value = tensors[spec.name];
      if (target === undefined || value === undefined || seen.has(target)) {
        report.unexpected.push(spec.name);
        continue;
      }
      seen.add(target);
      const variable = byName.get(target) as Variable;
      const expected = variable.shape.map((d) => d ?? -1);
      if (!tf.util.arraysEqual(expected, value.shape)) {
        report.mismatched.push({ name: target, expected, actual: [...value.shape] });
        continue;
      }
      assignments.push([variable, value]);
      report.loaded.push(target);
    }
    for (const name of byName.keys()) if (!seen.has(name)) report.missing.push(name);

    const strict = options.strict ?? true;
    const problems = report.missing.length + report.unexpected.length + report.mismatched.length;
    if ((strict && problems > 0) || (assignments.length === 0 && byName.size > 0)) {
      const parts = [
        report.mismatched.length
          ? `${report.mismatched.length} with another shape (${report.mismatched
              .slice(0, LIST_MAX)
              .map((m) => `${m.name}: model [${m.expected.join(',')}] vs file [${m.actual.join(',')}]`)
              .join('; ')}${report.mismatched.length > LIST_MAX ? '; …' : ''})`
          : '',
        report.missing.length ? `${report.missing.length} missing from the file (${list(report.missing)})` : '',
        report.unexpected.length ? `${report.unexpected.length} not in the model (${list(report.unexpected)})` : '',
      ].filter(Boolean);
      const lead = assignments.length === 0 ? 'no weight matches the model' : `${byName.size} model weights vs ${artifacts.weightSpecs.length} in the file`;
      throw new WeightsMismatchError(
        report.mismatched.length ? 'E_SHAPE_MISMATCH' : 'E_MODEL_LOAD',
        `Could not load ${where} into model "${model.name}": ${lead}; ${parts.join('; ')}. ` +
          'Are they weights of another architecture or input shape? Pass { strict: false } to load only the matching weights.',
        report,
        options.source,
      );
    }
    tf.tidy(() => {
      for (const [variable, value] of assignments) {
        variable.write(value.dtype === variable.dtype ? value : tf.cast(value, variable.dtype));
      }
    });
    return report;
  } finally {
    tf.dispose(tensors);
  }
}

