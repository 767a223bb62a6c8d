import { accuracyScore } from './accuracy';
import { MetricsError } from './errors';
import { formatFixed, padLeft } from './format';
import { uniqueLabels } from './labels';
import { checkLabelPair, describe, type NumberArray } from './validate';

/** How `precisionRecallFscoreSupport` averages over classes (sklearn's `average`). */
export type PrfsAverage = 'binary' | 'micro' | 'macro' | 'weighted';

export interface PrfsOptions {
  /**
   * `null` (default, as sklearn): one value per class. `'binary'`: the `posLabel` class only (at most
   * two classes present). `'micro'`: from the summed counts. `'macro'`: the unweighted mean over
   * classes. `'weighted'`: the mean weighted by support.
   */
  average?: PrfsAverage | null;
  /**
   * The classes to score, in this order (sklearn's `labels`); classes absent from the data score by
   * `zeroDivision`. Default: the sorted union of the classes in `yTrue` and `yPred`. Ignored with
   * `average: 'binary'`.
   */
  labels?: readonly number[];
  /** The positive class for `average: 'binary'`. Default 1. */
  posLabel?: number;
  /** F-beta's beta (>= 0, `Infinity` allowed: F = recall). Default 1 (F1). */
  beta?: number;
  /**
   * What an undefined ratio (0 / 0) gives: 0 (default, sklearn's `'warn'` without the warning) or 1;
   * NaN makes such ratios (and averages over them) NaN.
   */
  zeroDivision?: number;
}

/** Scores per class, in `labels` order. */
export interface PrfsPerClass {
  labels: number[];
  precision: number[];
  recall: number[];
  fScore: number[];
  /** How many samples of each class `yTrue` holds. */
  support: number[];
}

/** Averaged scores; `support` is `null` as in sklearn. */
export interface PrfsAveraged {
  precision: number;
  recall: number;
  fScore: number;
  support: null;
}

/**
 * Precision, recall, F-beta and support, as sklearn's `precision_recall_fscore_support` (1.2) on
 * class indices: per class by default, or averaged (`'binary'`, `'micro'`, `'macro'`, `'weighted'`).
 */
export function precisionRecallFscoreSupport(
  yTrue: NumberArray,
  yPred: NumberArray,
  options?: PrfsOptions & { average?: null },
): PrfsPerClass;
export function precisionRecallFscoreSupport(
  yTrue: NumberArray,
  yPred: NumberArray,
  options: PrfsOptions & { average: PrfsAverage },
): PrfsAveraged;
export function precisionRecallFscoreSupport(yTrue: NumberArray, yPred: NumberArray, options?: PrfsOptions): PrfsPerClass | PrfsAveraged;
export function precisionRecallFscoreSupport(
  yTrue: NumberArray,
  yPred: NumberArray,
  options: PrfsOptions = {},
): PrfsPerClass | PrfsAveraged {
  const [t, p] = checkLabelPair(yTrue, yPred);
  const average = options.average ?? null;
  if (average !== null && !['binary', 'micro', 'macro', 'weighted'].includes(average)) {
    throw new MetricsError(
      'E_BAD_ARGUMENT',
      `average must be null, 'binary', 'micro', 'macro' or 'weighted', got ${describe(average)}.`,
    );
  }
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0)) {
    throw new MetricsError('E_BAD_ARGUMENT', `beta must be a number >= 0 (F-beta), got ${describe(beta)}.`);
  }
  const zeroDivision = checkZeroDivision(options.zeroDivision);
  let labels: number[];
  if (average === 'binary') {
    const present = uniqueLabels(t, p);
    if (present.length > 2) {
      throw new MetricsError(
        'E_BAD_ARGUMENT',
        `Target is multiclass but average='binary' (classes ${present.join(', ')} occur): choose average null, 'micro', 'macro' or 'weighted'.`,
      );
    }
    const pos = options.posLabel ?? 1;
    if (!Number.isInteger(pos) || pos < 0) {
      throw new MetricsError('E_BAD_ARGUMENT', `posLabel must be a class index (integer >= 0), got ${describe(pos)}.`);
    }
    if (!present.includes(pos) && present.length >= 2) {
      throw new MetricsError('E_BAD_ARGUMENT', `posLabel=${pos} is not a valid label. It should be one of [${present.join(', ')}].`);
    }
    labels = [pos];
  } else {
    labels = options.labels === undefined ? uniqueLabels(t, p) : checkLabelList(options.labels, 'labels');
  }
  const counts = countPerLabel(t, p, labels);
  return prfsFromCounts(counts, labels, average, beta, zeroDivision);
}

interface Counts {
  tp: number[];
  predSum: number[];
  trueSum: number[];
}

function countPerLabel(t: NumberArray, p: NumberArray, labels: readonly number[]): Counts {
  const index = new Map(labels.map((l, i) => [l, i]));
  const n = labels.length;
  const tp = new Array<number>(n).fill(0);
  const predSum = new Array<number>(n).fill(0);
  const trueSum = new Array<number>(n).fill(0);
  for (let k = 0; k < t.length; k++) {
    const i = index.get(t[k]!);
    const j = index.get(p[k]!);
    if (i !== undefined) trueSum[i]!++;
    if (j !== undefined) predSum[j]!++;
    if (i !== undefined && i === j) tp[i]!++;
  }
  return { tp, predSum, trueSum };
}

function prfsFromCounts(
  counts: Counts,
  labels: number[],
  average: PrfsAverage | null,
  beta: number,
  zeroDivision: number,
): PrfsPerClass | PrfsAveraged {
  let { tp, predSum, trueSum } = counts;
  if (average === 'micro') {
    tp = [sum(tp)];
    predSum = [sum(predSum)];
    trueSum = [sum(trueSum)];
  }
  const beta2 = beta * beta;
  const divide = (a: number, b: number): number => (b === 0 ? zeroDivision : a / b);
  const precision = tp.map((v, i) => divide(v, predSum[i]!));
  const recall = tp.map((v, i) => divide(v, trueSum[i]!));
  const fScore =
    beta === Infinity
      ? [...recall]
      : precision.map((pr, i) => {
          const rc = recall[i]!;
          let denom = beta2 * pr + rc;
          if (denom === 0) denom = 1;
          return ((1 + beta2) * pr * rc) / denom;
        });
  if (average === null) return { labels, precision, recall, fScore, support: counts.trueSum };
  if (average === 'weighted') {
    const total = sum(trueSum);
    if (total === 0) {
      // sklearn: no true samples of any listed class.
      return sum(predSum) === 0
        ? { precision: zeroDivision, recall: zeroDivision, fScore: zeroDivision, support: null }
        : { precision: 0, recall: zeroDivision, fScore: 0, support: null };
    }
    const weighted = (xs: number[]): number => sum(xs.map((x, i) => x * trueSum[i]!)) / total;
    return { precision: weighted(precision), recall: weighted(recall), fScore: weighted(fScore), support: null };
  }
  const mean = (xs: number[]): number => sum(xs) / xs.length;
  return { precision: mean(precision), recall: mean(recall), fScore: mean(fScore), support: null };
}

/** One class' row of a classification report. */
export interface ClassReport {
  /** The class index. */
  label: number;
  /** Its name in the report: `targetNames[i]`, or the index as text. */
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** An average row of a classification report; `support` is the total over the listed classes. */
export interface AverageReport {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  /** sklearn's `classification_report(...)` string, character for character. */
  text: string;
  perClass: ClassReport[];
  /** Accuracy over all samples (sklearn's `accuracy_score`; the report's `accuracy` row when it has one). */
  accuracy: number;
  /**
   * The `micro avg` row, present when sklearn prints one instead of `accuracy`: when `labels` is
   * given and is not exactly the set of classes occurring in `yTrue`/`yPred`.
   */
  microAvg?: AverageReport;
  macroAvg: AverageReport;
  weightedAvg: AverageReport;
}

export interface ClassificationReportOptions {
  /** Names for the classes in `labels` order, e.g. `['COVID19', 'NORMAL', 'Viral Pneumonia']`. */
  targetNames?: readonly string[];
  /** The classes to report, in this order. Default: the sorted union of the classes in `yTrue` and `yPred`. */
  labels?: readonly number[];
  /** Decimals of the text's numbers. Default 2. */
  digits?: number;
  /** See {@link PrfsOptions.zeroDivision}. Default 0. */
  zeroDivision?: number;
}

/**
 * sklearn's `classification_report` (1.2): precision, recall, F1 and support per class, then
 * accuracy (or micro average when `labels` picks a different set of classes), macro and weighted
 * averages, both as numbers and as sklearn's text. `targetNames` must name every listed class (sklearn
 * only warns and truncates when `labels` is given; here that is an E_SHAPE_MISMATCH).
 */
export function classificationReport(
  yTrue: NumberArray,
  yPred: NumberArray,
  options: ClassificationReportOptions = {},
): ClassificationReport {
  const [t, p] = checkLabelPair(yTrue, yPred);
  const present = uniqueLabels(t, p);
  const labelsGiven = options.labels !== undefined;
  const labels = labelsGiven ? checkLabelList(options.labels, 'labels') : present;
  const microIsAccuracy = !labelsGiven || (labels.length === present.length && present.every((l) => labels.includes(l)));
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 70) {
    throw new MetricsError('E_BAD_ARGUMENT', `digits must be an integer from 0 to 70, got ${describe(digits)}.`);
  }
  const zeroDivision = checkZeroDivision(options.zeroDivision);
  let names: string[];
  if (options.targetNames !== undefined) {
    const given = options.targetNames as unknown;
    if (!Array.isArray(given) || given.some((n) => typeof n !== 'string')) {
      throw new MetricsError('E_BAD_ARGUMENT', `targetNames must be an array of strings, got ${describe(given)}.`);
    }
    if (given.length !== labels.length) {
      throw new MetricsError(
        'E_SHAPE_MISMATCH',
        `Number of classes, ${labels.length}, does not match size of targetNames, ${given.length}: ` +
          `name each of the classes [${labels.join(', ')}]${labelsGiven ? '' : ' or pass labels'}.`,
      );
    }
    names = [...(given as string[])];
  } else {
    names = labels.map(String);
  }

  const counts = countPerLabel(t, p, labels);
  const per = prfsFromCounts(counts, labels, null, 1, zeroDivision) as PrfsPerClass;
  const total = sum(per.support);
  const avg = (average: PrfsAverage): AverageReport => {
    const a = prfsFromCounts(counts, labels, average, 1, zeroDivision) as PrfsAveraged;
    return { precision: a.precision, recall: a.recall, f1: a.fScore, support: total };
  };
  const micro = avg('micro');
  const macroAvg = avg('macro');
  const weightedAvg = avg('weighted');
  const perClass = labels.map((label, i) => ({
    label,
    name: names[i]!,
    precision: per.precision[i]!,
    recall: per.recall[i]!,
    f1: per.fScore[i]!,
    support: per.support[i]!,
  }));

  // The layout of sklearn 1.2's classification_report, verbatim.
  // sklearn quirk: with no correct prediction at all its counts are floats, printed as `3.0`.
  const anyCorrect = accuracyScore(t, p, { normalize: false }) > 0;
  const count = (n: number): string => padLeft(anyCorrect ? String(n) : `${n}.0`, 9);
  const width = Math.max(...names.map((n) => [...n].length), 'weighted avg'.length, digits);
  const num = (v: number): string => ` ${padLeft(formatFixed(v, digits), 9)}`;
  const row = (name: string, r: AverageReport | ClassReport): string =>
    `${padLeft(name, width)} ${num(r.precision)}${num(r.recall)}${num(r.f1)} ${count(r.support)}\n`;
  let text = `${padLeft('', width)} ${['precision', 'recall', 'f1-score', 'support'].map((h) => ` ${padLeft(h, 9)}`).join('')}\n\n`;
  for (const c of perClass) text += row(c.name, c);
  text += '\n';
  if (microIsAccuracy) {
    text += `${padLeft('accuracy', width)} ${' '.repeat(20)}${num(micro.f1)} ${count(total)}\n`;
  } else {
    text += row('micro avg', micro);
  }
  text += row('macro avg', macroAvg);
  text += row('weighted avg', weightedAvg);

  return {
    text,
    perClass,
    accuracy: accuracyScore(t, p),
    ...(microIsAccuracy ? {} : { microAvg: micro }),
    macroAvg,
    weightedAvg,
  };
}

function checkZeroDivision(value: unknown): number {
  const z = value ?? 0;
  if (!(z === 0 || z === 1 || Number.isNaN(z))) {
    throw new MetricsError('E_BAD_ARGUMENT', `zeroDivision must be 0, 1 or NaN, got ${describe(z)}.`);
  }
  return z as number;
}

/** A non-empty list of distinct class indices. */
export function checkLabelList(labels: unknown, name: string): number[] {
  if (!Array.isArray(labels) || labels.length === 0) {
    throw new MetricsError('E_BAD_ARGUMENT', `${name} must list at least one class, got ${describe(labels)}.`);
  }
  if (labels.some((l) => typeof l !== 'number' || !Number.isInteger(l) || l < 0)) {
    throw new MetricsError('E_BAD_ARGUMENT', `${name} must be class indices (integers >= 0), got [${labels.join(', ')}].`);
  }
  if (new Set(labels).size !== labels.length) {
    throw new MetricsError('E_BAD_ARGUMENT', `${name} lists a class twice: [${labels.join(', ')}].`);
  }
  return [...(labels as number[])];
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
