import { MetricsError } from './errors';

/**
 * What metrics take: class indices or scores as a plain array or a typed array (`Int32Array`,
 * `Float32Array` from `tensor.dataSync()`), so results need no copying to be scored.
 */
export type NumberArray = ArrayLike<number>;

function isNumberArray(value: unknown): value is NumberArray {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** Throw unless `values` is a non-empty array of finite numbers. */
export function checkScores(values: unknown, name: string): NumberArray {
  if (!isNumberArray(values)) {
    throw new MetricsError('E_BAD_ARGUMENT', `${name} must be an array of numbers or a typed array, got ${describe(values)}.`);
  }
  if (values.length === 0) {
    throw new MetricsError('E_BAD_ARGUMENT', `${name} is empty: pass at least one sample.`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') {
      throw new MetricsError('E_BAD_ARGUMENT', `${name}[${i}] is ${describe(v)}, not a number.`);
    }
    if (!Number.isFinite(v)) {
      throw new MetricsError('E_NOT_FINITE', `${name}[${i}] is ${v}: remove or fix non-finite values (NaN/Infinity) before scoring.`);
    }
  }
  return values;
}

/** Throw unless `values` is a non-empty array of class indices (integers >= 0). */
export function checkLabels(values: unknown, name: string): NumberArray {
  const labels = checkScores(values, name);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new MetricsError(
        'E_BAD_ARGUMENT',
        `${name}[${i}] is ${v}: labels must be class indices (integers >= 0). ` +
          'Threshold scores first with thresholdPredictions() or argmaxPredictions().',
      );
    }
  }
  return labels;
}

/** Throw unless both arrays hold one entry per sample. */
export function checkSameLength(a: NumberArray, b: NumberArray, aName: string, bName: string): void {
  if (a.length !== b.length) {
    throw new MetricsError(
      'E_SHAPE_MISMATCH',
      `${aName} has ${a.length} samples but ${bName} has ${b.length}: pass one entry per sample in each.`,
    );
  }
}

/** Check a `yTrue`/`yPred` pair of class indices. */
export function checkLabelPair(yTrue: unknown, yPred: unknown): [NumberArray, NumberArray] {
  const t = checkLabels(yTrue, 'yTrue');
  const p = checkLabels(yPred, 'yPred');
  checkSameLength(t, p, 'yTrue', 'yPred');
  return [t, p];
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
