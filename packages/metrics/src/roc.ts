import { binaryClfCurve } from './clf-curve';
import { MetricsError } from './errors';
import { averageOverClasses, microAverageInputs, oneVsRest } from './one-vs-rest';
import { checkLabels, checkSameLength, checkScores, describe, type NumberArray } from './validate';

/** sklearn's message when ROC AUC is undefined; `rocAucScore` throws it as `E_UNDEFINED_METRIC`. */
export const ONE_CLASS_MESSAGE = 'Only one class present in y_true. ROC AUC score is not defined in that case.';

export interface RocCurveOptions {
  /**
   * The positive class; every other class is negative. Default 1, allowed only when `yTrue` holds
   * nothing but 0 and 1 (as sklearn's `pos_label=None`).
   */
  posLabel?: number;
  /** Drop thresholds that don't change the curve's shape (sklearn's `drop_intermediate`). Default `true`. */
  dropIntermediate?: boolean;
}

/** A ROC curve: `fpr[i]`, `tpr[i]` are the rates when predicting positive for `score >= thresholds[i]`. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /**
   * Decreasing. As in sklearn 1.2, `thresholds[0]` is `max(yScore) + 1`, the point where nothing is
   * predicted positive (sklearn >= 1.3 uses `Infinity` there).
   */
  thresholds: number[];
}

/**
 * The ROC curve of scores for one class, as sklearn 1.2's `roc_curve`: one point per distinct score
 * (ties form a single step), starting at (0, 0). With no negatives (positives) in `yTrue`, `fpr`
 * (`tpr`) is all NaN, where sklearn warns.
 */
export function rocCurve(yTrue: NumberArray, yScore: NumberArray, options: RocCurveOptions = {}): RocCurve {
  const t = checkLabels(yTrue, 'yTrue');
  const s = checkScores(yScore, 'yScore');
  checkSameLength(t, s, 'yTrue', 'yScore');
  let pos = options.posLabel;
  if (pos === undefined) {
    for (let i = 0; i < t.length; i++) {
      if (t[i]! > 1) {
        throw new MetricsError(
          'E_BAD_ARGUMENT',
          `yTrue[${i}] is class ${t[i]} and posLabel is not specified: pass posLabel (the class scored by yScore).`,
        );
      }
    }
    pos = 1;
  } else if (!Number.isInteger(pos) || pos < 0) {
    throw new MetricsError('E_BAD_ARGUMENT', `posLabel must be a class index (integer >= 0), got ${describe(pos)}.`);
  }
  const drop = options.dropIntermediate ?? true;
  const positive = new Array<boolean>(t.length);
  for (let i = 0; i < t.length; i++) positive[i] = t[i] === pos;
  return curveOf(positive, s, drop);
}

function curveOf(positive: readonly boolean[], s: NumberArray, dropIntermediate: boolean): RocCurve {
  let { fps, tps, thresholds } = binaryClfCurve(positive, s);
  if (dropIntermediate && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const bendF = fps[i + 1]! - fps[i]! - (fps[i]! - fps[i - 1]!);
      const bendT = tps[i + 1]! - tps[i]! - (tps[i]! - tps[i - 1]!);
      if (bendF !== 0 || bendT !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]!);
    tps = keep.map((i) => tps[i]!);
    thresholds = keep.map((i) => thresholds[i]!);
  }
  tps.unshift(0);
  fps.unshift(0);
  thresholds.unshift(thresholds[0]! + 1);
  const lastF = fps[fps.length - 1]!;
  const lastT = tps[tps.length - 1]!;
  return {
    fpr: fps.map((v) => (lastF > 0 ? v / lastF : Number.NaN)),
    tpr: tps.map((v) => (lastT > 0 ? v / lastT : Number.NaN)),
    thresholds,
  };
}

/**
 * The area under a curve by the trapezoidal rule, as sklearn's `auc`: `x` must be monotonic
 * (increasing, or decreasing, which gives the same positive area).
 */
export function auc(x: NumberArray, y: NumberArray): number {
  const xs = checkScores(x, 'x');
  const ys = checkScores(y, 'y');
  checkSameLength(xs, ys, 'x', 'y');
  if (xs.length < 2) {
    throw new MetricsError('E_BAD_ARGUMENT', `At least 2 points are needed to compute area under curve, got ${xs.length}.`);
  }
  let anyDown = false;
  let allDown = true;
  for (let i = 1; i < xs.length; i++) {
    const dx = xs[i]! - xs[i - 1]!;
    if (dx < 0) anyDown = true;
    if (dx > 0) allDown = false;
  }
  if (anyDown && !allDown) {
    throw new MetricsError('E_BAD_ARGUMENT', 'x is neither increasing nor decreasing: sort the points by x first.');
  }
  let area = 0;
  for (let i = 1; i < xs.length; i++) area += ((xs[i]! - xs[i - 1]!) * (ys[i]! + ys[i - 1]!)) / 2;
  return anyDown ? -area : area;
}

/** How `rocAucScore` combines one-vs-rest AUCs (sklearn's `average`). */
export type RocAucAverage = 'macro' | 'weighted' | 'micro';

export interface RocAucOptions {
  /**
   * For `n × classes` scores: `'macro'` (default) the mean of the one-vs-rest AUCs, `'weighted'` that
   * mean weighted by each class' count in `yTrue`, `'micro'` one AUC over the flattened one-hot
   * labels and scores, `null` the per-class AUCs. Ignored for binary scores.
   */
  average?: RocAucAverage | null;
  /** Only `'ovr'` (one-vs-rest, the default here; sklearn requires it spelled out). */
  multiClass?: 'ovr';
  /**
   * The class of each score column, sorted (sklearn's `labels`). Default `0 .. columns - 1`. Every
   * class in `yTrue` must be listed.
   */
  labels?: readonly number[];
}

/**
 * ROC AUC, as sklearn 1.2's `roc_auc_score`. Binary: `yScore` holds the positive class' (1's)
 * score per sample and `yTrue` is 0/1. Multi-class: `yScore` is `n × classes` (e.g. softmax
 * outputs) and the score is one-vs-rest. Tied scores count as one threshold (the trapezoid through
 * them), as in sklearn. Only one class in `yTrue` (or, one-vs-rest, a class absent from `yTrue` or
 * all of it) → `E_UNDEFINED_METRIC` with sklearn's message. Rows need not sum to 1 (sklearn requires it).
 */
export function rocAucScore(yTrue: NumberArray, yScore: NumberArray, options?: RocAucOptions): number;
export function rocAucScore(yTrue: NumberArray, yScore: readonly NumberArray[], options: RocAucOptions & { average: null }): number[];
export function rocAucScore(
  yTrue: NumberArray,
  yScore: readonly NumberArray[],
  options?: RocAucOptions & { average?: RocAucAverage },
): number;
export function rocAucScore(yTrue: NumberArray, yScore: NumberArray | readonly NumberArray[], options?: RocAucOptions): number | number[];
export function rocAucScore(
  yTrue: NumberArray,
  yScore: NumberArray | readonly NumberArray[],
  options: RocAucOptions = {},
): number | number[] {
  const average = options.average === undefined ? 'macro' : options.average;
  if (average !== null && average !== 'macro' && average !== 'weighted' && average !== 'micro') {
    throw new MetricsError('E_BAD_ARGUMENT', `average must be 'macro', 'weighted', 'micro' or null, got ${describe(average)}.`);
  }
  if (options.multiClass !== undefined && options.multiClass !== 'ovr') {
    throw new MetricsError('E_BAD_ARGUMENT', `multiClass must be 'ovr' (one-vs-one is not implemented), got ${describe(options.multiClass)}.`);
  }
  const t = checkLabels(yTrue, 'yTrue');
  if (Array.isArray(yScore) && yScore.length > 0 && typeof yScore[0] !== 'number') {
    return multiClassAuc(t, yScore as readonly NumberArray[], average, options.labels);
  }
  const s = checkScores(yScore, 'yScore');
  checkSameLength(t, s, 'yTrue', 'yScore');
  const positive = new Array<boolean>(t.length);
  for (let i = 0; i < t.length; i++) {
    if (t[i]! > 1) {
      throw new MetricsError(
        'E_BAD_ARGUMENT',
        `yTrue[${i}] is class ${t[i]} but yScore holds one score per sample (binary): labels must be 0 or 1. ` +
          'For more classes pass n × classes scores.',
      );
    }
    positive[i] = t[i] === 1;
  }
  return binaryAuc(positive, s, '');
}

function binaryAuc(positive: readonly boolean[], s: NumberArray, context: string): number {
  const first = positive[0];
  if (positive.every((v) => v === first)) {
    throw new MetricsError('E_UNDEFINED_METRIC', ONE_CLASS_MESSAGE + context);
  }
  const curve = curveOf(positive, s, true);
  return auc(curve.fpr, curve.tpr);
}

function multiClassAuc(
  t: NumberArray,
  rows: readonly NumberArray[],
  average: RocAucAverage | null,
  labelsOption: readonly number[] | undefined,
): number | number[] {
  const ovr = oneVsRest(t, rows, labelsOption, true);
  if (average === 'micro') {
    const { positive, scores } = microAverageInputs(ovr);
    return binaryAuc(positive, scores, ' (micro average: all one-hot labels equal)');
  }
  const scores = ovr.labels.map((label, j) =>
    binaryAuc(
      ovr.classOf.map((c) => c === j),
      ovr.columns[j] as Float64Array,
      ` (one-vs-rest for class ${label}: ${ovr.support[j] === 0 ? 'it never occurs in yTrue' : 'it is every sample of yTrue'})`,
    ),
  );
  return average === null ? scores : averageOverClasses(scores, ovr.support, average);
}
