import { binaryClfCurve } from './clf-curve';
import { MetricsError } from './errors';
import { averageOverClasses, microAverageInputs, oneVsRest } from './one-vs-rest';
import { checkLabels, checkSameLength, checkScores, describe, type NumberArray } from './validate';

export interface PrecisionRecallCurveOptions {
  /**
   * The positive class; every other class is negative. Default 1, allowed only when `yTrue` holds
   * nothing but 0 and 1 (as sklearn's `pos_label=None`).
   */
  posLabel?: number;
}

/**
 * A precision-recall curve as sklearn returns it: recall decreasing to a final (recall 0,
 * precision 1) point, which has no threshold, so `thresholds` is one shorter than the others.
 */
export interface PrecisionRecallCurve {
  precision: number[];
  recall: number[];
  /** Increasing: `precision[i]`, `recall[i]` are for predicting positive when `score >= thresholds[i]`. */
  thresholds: number[];
}

/**
 * The precision-recall curve of scores for one class, as sklearn 1.2's `precision_recall_curve`:
 * one point per distinct score (ties are one step). With no positives in `yTrue` recall is 1 at
 * every threshold, as sklearn sets it (and warns).
 */
export function precisionRecallCurve(
  yTrue: NumberArray,
  yScore: NumberArray,
  options: PrecisionRecallCurveOptions = {},
): PrecisionRecallCurve {
  const t = checkLabels(yTrue, 'yTrue');
  const s = checkScores(yScore, 'yScore');
  checkSameLength(t, s, 'yTrue', 'yScore');
  const pos = positiveLabel(t, options.posLabel);
  return curveOf(Array.from(t, (v) => v === pos), s);
}

function positiveLabel(t: NumberArray, posLabel: number | undefined): number {
  if (posLabel === undefined) {
    for (let i = 0; i < t.length; i++) {
      if (t[i]! > 1) {
        throw new MetricsError(
          'E_BAD_ARGUMENT',
          `yTrue[${i}] is class ${t[i]} and posLabel is not specified: pass posLabel (the class scored by yScore).`,
        );
      }
    }
    return 1;
  }
  if (!Number.isInteger(posLabel) || posLabel < 0) {
    throw new MetricsError('E_BAD_ARGUMENT', `posLabel must be a class index (integer >= 0), got ${describe(posLabel)}.`);
  }
  return posLabel;
}

function curveOf(positive: readonly boolean[], s: NumberArray): PrecisionRecallCurve {
  const { fps, tps, thresholds } = binaryClfCurve(positive, s);
  const allPositives = tps[tps.length - 1]!;
  const precision = tps.map((tp, i) => tp / (tp + fps[i]!)).reverse();
  const recall = tps.map((tp) => (allPositives === 0 ? 1 : tp / allPositives)).reverse();
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds: thresholds.reverse() };
}

/** sklearn's step-wise AP: `sum((R[n] - R[n-1]) P[n])` over the curve, no interpolation. */
function binaryAp(positive: readonly boolean[], s: NumberArray): number {
  const { precision, recall } = curveOf(positive, s);
  let ap = 0;
  for (let i = 0; i < recall.length - 1; i++) ap -= (recall[i + 1]! - recall[i]!) * precision[i]!;
  return ap + 0; // -0 → 0 (no positives)
}

/** How `averagePrecision` combines one-vs-rest APs (sklearn's `average`). */
export type AveragePrecisionAverage = 'macro' | 'weighted' | 'micro';

export interface AveragePrecisionOptions {
  /** Binary scores only: the positive class (default 1; sklearn's `pos_label`). */
  posLabel?: number;
  /**
   * For `n × classes` scores: `'macro'` (default) the mean of the one-vs-rest APs, `'weighted'` by each
   * class' count in `yTrue`, `'micro'` one AP over the flattened one-hot labels and scores, `null` the
   * per-class APs. Ignored for binary scores.
   */
  average?: AveragePrecisionAverage | null;
  /** The class of each score column, sorted. Default `0 .. columns - 1`. */
  labels?: readonly number[];
}

/**
 * Average precision, as sklearn's `average_precision_score`: the step-wise area under the
 * precision-recall curve (not the trapezoid, which is optimistic). Binary: one score per sample.
 * Multi-class: `n × classes` scores scored one-vs-rest on the one-hot labels (what sklearn does with
 * `label_binarize(y)`); a class absent from `yTrue` has AP 0 there, as in sklearn.
 */
export function averagePrecision(yTrue: NumberArray, yScore: NumberArray, options?: AveragePrecisionOptions): number;
export function averagePrecision(
  yTrue: NumberArray,
  yScore: readonly NumberArray[],
  options: AveragePrecisionOptions & { average: null },
): number[];
export function averagePrecision(
  yTrue: NumberArray,
  yScore: readonly NumberArray[],
  options?: AveragePrecisionOptions & { average?: AveragePrecisionAverage },
): number;
export function averagePrecision(
  yTrue: NumberArray,
  yScore: NumberArray | readonly NumberArray[],
  options?: AveragePrecisionOptions,
): number | number[];
export function averagePrecision(
  yTrue: NumberArray,
  yScore: NumberArray | readonly NumberArray[],
  options: AveragePrecisionOptions = {},
): number | number[] {
  const average = options.average === undefined ? 'macro' : options.average;
  if (average !== null && average !== 'macro' && average !== 'weighted' && average !== 'micro') {
    throw new MetricsError('E_BAD_ARGUMENT', `average must be 'macro', 'weighted', 'micro' or null, got ${describe(average)}.`);
  }
  const t = checkLabels(yTrue, 'yTrue');
  if (Array.isArray(yScore) && yScore.length > 0 && typeof yScore[0] !== 'number') {
    return multiClassAp(t, yScore as readonly NumberArray[], average, options.labels);
  }
  const s = checkScores(yScore, 'yScore');
  checkSameLength(t, s, 'yTrue', 'yScore');
  const pos = positiveLabel(t, options.posLabel);
  return binaryAp(Array.from(t, (v) => v === pos), s);
}

function multiClassAp(
  t: NumberArray,
  rows: readonly NumberArray[],
  average: AveragePrecisionAverage | null,
  labelsOption: readonly number[] | undefined,
): number | number[] {
  const ovr = oneVsRest(t, rows, labelsOption);
  if (average === 'micro') {
    const { positive, scores } = microAverageInputs(ovr);
    return binaryAp(positive, scores);
  }
  const aps = ovr.columns.map((scores, j) => binaryAp(ovr.classOf.map((c) => c === j), scores));
  return average === null ? aps : averageOverClasses(aps, ovr.support, average);
}
