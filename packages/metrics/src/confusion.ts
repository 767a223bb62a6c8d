import { MetricsError } from './errors';
import { uniqueLabels } from './labels';
import { checkLabelPair, type NumberArray } from './validate';

/** Which sums a normalized confusion matrix divides by: rows (`true`), columns (`pred`) or the total (`all`). */
export type ConfusionNormalize = 'true' | 'pred' | 'all';

export interface ConfusionMatrixOptions {
  /**
   * Count classes `0 .. numClasses - 1`, so a class that never occurs still gets its row and column
   * (e.g. a model that predicted only one class). A label `>= numClasses` throws.
   */
  numClasses?: number;
  /**
   * The classes to count, in this order (sklearn's `labels`). Samples whose true or predicted class
   * is not listed are left out. Default: the sorted union of the classes in `yTrue` and `yPred`.
   */
  labels?: readonly number[];
  /** Divide each count by its row sum, column sum or the total; an all-zero row or column stays 0. */
  normalize?: ConfusionNormalize;
}

/**
 * The confusion matrix of class indices, as sklearn's `confusion_matrix`: `matrix[i][j]` counts the
 * samples of true class `labels[i]` predicted as `labels[j]` (rows = true, columns = predicted).
 */
export function confusionMatrix(yTrue: NumberArray, yPred: NumberArray, options: ConfusionMatrixOptions = {}): number[][] {
  const [t, p] = checkLabelPair(yTrue, yPred);
  const labels = resolveLabels(t, p, options);
  if (options.labels !== undefined && !labels.some((l) => includes(t, l))) {
    // sklearn raises here too: such a matrix would be all zeros.
    throw new MetricsError('E_BAD_ARGUMENT', `none of labels [${labels.join(', ')}] occurs in yTrue: list at least one class present in yTrue.`);
  }
  const index = new Map(labels.map((label, i) => [label, i]));
  const n = labels.length;
  const cm = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let k = 0; k < t.length; k++) {
    const i = index.get(t[k]!);
    const j = index.get(p[k]!);
    if (i === undefined || j === undefined) {
      if (options.numClasses !== undefined) {
        const [name, value] = i === undefined ? ['yTrue', t[k]] : ['yPred', p[k]];
        throw new MetricsError(
          'E_BAD_ARGUMENT',
          `${name}[${k}] is class ${value} but numClasses is ${options.numClasses}: classes must be 0..${options.numClasses - 1}.`,
        );
      }
      continue; // sklearn drops samples outside an explicit `labels` list
    }
    cm[i]![j]!++;
  }
  return options.normalize === undefined ? cm : normalizeMatrix(cm, options.normalize);
}

/**
 * Divide a count matrix by its row sums (`true`), column sums (`pred`) or total (`all`), as sklearn
 * does for `confusion_matrix(..., normalize=...)`: a zero sum gives 0, not NaN.
 */
export function normalizeMatrix(matrix: readonly (readonly number[])[], normalize: ConfusionNormalize): number[][] {
  const n = matrix.length;
  const rowSums = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = Array.from({ length: n }, (_, j) => matrix.reduce((a, row) => a + (row[j] ?? 0), 0));
  const total = rowSums.reduce((a, b) => a + b, 0);
  let divisor: (i: number, j: number) => number;
  switch (normalize) {
    case 'true':
      divisor = (i) => rowSums[i]!;
      break;
    case 'pred':
      divisor = (_, j) => colSums[j]!;
      break;
    case 'all':
      divisor = () => total;
      break;
    default:
      throw new MetricsError('E_BAD_ARGUMENT', `normalize must be 'true', 'pred' or 'all', got ${JSON.stringify(normalize)}.`);
  }
  return matrix.map((row, i) =>
    row.map((v, j) => {
      const d = divisor(i, j);
      return d === 0 ? 0 : v / d;
    }),
  );
}

function resolveLabels(t: NumberArray, p: NumberArray, options: ConfusionMatrixOptions): number[] {
  const { numClasses, labels } = options;
  if (numClasses !== undefined && labels !== undefined) {
    throw new MetricsError('E_BAD_ARGUMENT', 'pass either numClasses or labels, not both.');
  }
  if (numClasses !== undefined) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new MetricsError('E_BAD_ARGUMENT', `numClasses must be an integer >= 1, got ${numClasses}.`);
    }
    return Array.from({ length: numClasses }, (_, i) => i);
  }
  if (labels !== undefined) {
    if (!Array.isArray(labels) || labels.length === 0) {
      throw new MetricsError('E_BAD_ARGUMENT', 'labels must list at least one class.');
    }
    if (labels.some((l) => !Number.isInteger(l) || l < 0)) {
      throw new MetricsError('E_BAD_ARGUMENT', `labels must be class indices (integers >= 0), got [${labels.join(', ')}].`);
    }
    if (new Set(labels).size !== labels.length) {
      throw new MetricsError('E_BAD_ARGUMENT', `labels lists a class twice: [${labels.join(', ')}].`);
    }
    return [...labels];
  }
  return uniqueLabels(t, p);
}

function includes(values: NumberArray, x: number): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] === x) return true;
  return false;
}
