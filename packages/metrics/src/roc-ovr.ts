import { MetricsError } from './errors';
import { auc, rocCurve, type RocCurve } from './roc';
import { checkLabels, type NumberArray } from './validate';

export interface OvrRocCurves {
  /** One-vs-rest curve of each class k: positives = samples of class k, scores = column k. */
  perClass: (RocCurve & { label: number; auc: number })[];
  /** Micro average: every (sample, class) pair as one binary decision (one-hot labels and scores flattened). */
  micro: RocCurve & { auc: number };
  /**
   * Macro average as sklearn's ROC example builds it: the union of all classes' FPRs, each
   * class's TPR linearly interpolated there, averaged; its AUC is `auc(fpr, tpr)` of that curve.
   */
  macro: { fpr: number[]; tpr: number[]; auc: number };
}

/** Linear interpolation like numpy.interp (xs increasing; clamps outside the range). */
function interp(x: number, xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (x < xs[0]!) return ys[0]!;
  if (x >= xs[n - 1]!) return ys[n - 1]!;
  let hi = 0;
  while (xs[hi]! < x) hi++;
  // numpy.interp takes the right-most point among equal xs
  while (hi + 1 < n && xs[hi + 1] === x) hi++;
  if (xs[hi] === x) return ys[hi]!;
  const lo = hi - 1;
  const t = (x - xs[lo]!) / (xs[hi]! - xs[lo]!);
  return ys[lo]! + t * (ys[hi]! - ys[lo]!);
}

/**
 * Per-class, micro- and macro-average ROC curves for a multi-class problem, as in scikit-learn's
 * "Receiver Operating Characteristic (ROC) with multiclass" example. `yScore` is n × classes.
 */
export function rocCurvesOvr(yTrue: NumberArray, yScore: readonly NumberArray[]): OvrRocCurves {
  const labels = checkLabels(yTrue, 'yTrue');
  if (yScore.length !== labels.length) {
    throw new MetricsError('E_SHAPE_MISMATCH', `rocCurvesOvr: yTrue has ${labels.length} samples but yScore has ${yScore.length} rows.`);
  }
  const k = yScore[0]?.length ?? 0;
  if (k < 2) throw new MetricsError('E_BAD_ARGUMENT', 'rocCurvesOvr: yScore needs one column per class (at least 2).');
  const perClass = Array.from({ length: k }, (_, c) => {
    const truth = Array.from(labels, (l) => (l === c ? 1 : 0));
    const curve = rocCurve(truth, yScore.map((row) => row[c] as number));
    return { ...curve, label: c, auc: auc(curve.fpr, curve.tpr) };
  });
  const flatTruth: number[] = [];
  const flatScore: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    for (let c = 0; c < k; c++) {
      flatTruth.push(labels[i] === c ? 1 : 0);
      flatScore.push(yScore[i]![c] as number);
    }
  }
  const microCurve = rocCurve(flatTruth, flatScore);
  const allFpr = [...new Set(perClass.flatMap((c) => c.fpr))].sort((a, b) => a - b);
  const meanTpr = allFpr.map((x) => perClass.reduce((s, c) => s + interp(x, c.fpr, c.tpr), 0) / k);
  return {
    perClass,
    micro: { ...microCurve, auc: auc(microCurve.fpr, microCurve.tpr) },
    macro: { fpr: allFpr, tpr: meanTpr, auc: auc(allFpr, meanTpr) },
  };
}
