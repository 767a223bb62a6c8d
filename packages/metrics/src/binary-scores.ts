import { MetricsError } from './errors';
import { checkLabelPair, type NumberArray } from './validate';

export interface BinaryScoreOptions {
  /** The class that counts as positive: 1 (default) or 0 (sklearn's `pos_label`). */
  posLabel?: 0 | 1;
  /**
   * What an undefined ratio (0 / 0) returns: 0 (default), 1 or NaN (sklearn's `zero_division`).
   * sklearn's default `'warn'` also returns 0 but emits an `UndefinedMetricWarning`; pure functions
   * here don't warn, so check the counts (e.g. with `confusionMatrix`) when no positives can occur.
   */
  zeroDivision?: number;
}

/** Precision `tp / (tp + fp)` of binary labels (0/1), as sklearn's `precision_score(average='binary')`. */
export function precisionScore(yTrue: NumberArray, yPred: NumberArray, options: BinaryScoreOptions = {}): number {
  const c = binaryCounts(yTrue, yPred, options, 'precisionScore');
  return divide(c.tp, c.tp + c.fp, c.zeroDivision);
}

/** Recall (sensitivity) `tp / (tp + fn)` of binary labels (0/1), as sklearn's `recall_score(average='binary')`. */
export function recallScore(yTrue: NumberArray, yPred: NumberArray, options: BinaryScoreOptions = {}): number {
  const c = binaryCounts(yTrue, yPred, options, 'recallScore');
  return divide(c.tp, c.tp + c.fn, c.zeroDivision);
}

/**
 * F1 `2 tp / (2 tp + fp + fn)` of binary labels (0/1), as sklearn's `f1_score(average='binary')`
 * (>= 1.3: undefined only when there are no positive labels or predictions at all).
 */
export function f1Score(yTrue: NumberArray, yPred: NumberArray, options: BinaryScoreOptions = {}): number {
  const c = binaryCounts(yTrue, yPred, options, 'f1Score');
  return divide(2 * c.tp, 2 * c.tp + c.fp + c.fn, c.zeroDivision);
}

interface BinaryCounts {
  tp: number;
  fp: number;
  fn: number;
  zeroDivision: number;
}

function binaryCounts(yTrue: NumberArray, yPred: NumberArray, options: BinaryScoreOptions, fn: string): BinaryCounts {
  const [t, p] = checkLabelPair(yTrue, yPred);
  const pos = options.posLabel ?? 1;
  if (pos !== 0 && pos !== 1) {
    throw new MetricsError('E_BAD_ARGUMENT', `posLabel must be 0 or 1, got ${String(pos)}.`);
  }
  const zeroDivision = options.zeroDivision ?? 0;
  if (!(zeroDivision === 0 || zeroDivision === 1 || Number.isNaN(zeroDivision))) {
    throw new MetricsError('E_BAD_ARGUMENT', `zeroDivision must be 0, 1 or NaN, got ${String(zeroDivision)}.`);
  }
  let tp = 0;
  let fp = 0;
  let fnCount = 0;
  for (let i = 0; i < t.length; i++) {
    const a = t[i]!;
    const b = p[i]!;
    if (a > 1 || b > 1) {
      const [name, value] = a > 1 ? ['yTrue', a] : ['yPred', b];
      throw new MetricsError(
        'E_BAD_ARGUMENT',
        `${fn} is binary but ${name}[${i}] is class ${value}: labels must be 0 or 1. For more classes use confusionMatrix.`,
      );
    }
    if (b === pos) {
      if (a === pos) tp++;
      else fp++;
    } else if (a === pos) fnCount++;
  }
  return { tp, fp, fn: fnCount, zeroDivision };
}

function divide(numerator: number, denominator: number, zeroDivision: number): number {
  return denominator === 0 ? zeroDivision : numerator / denominator;
}
