import { MetricsError } from './errors';
import { checkLabels, checkSameLength, checkScores, describe, type NumberArray } from './validate';

/** How `calibrationCurve` places its bin edges (sklearn's `strategy`). */
export type CalibrationStrategy = 'uniform' | 'quantile';

export interface CalibrationCurveOptions {
  /** Number of bins. Default 5 (sklearn's default). */
  nBins?: number;
  /** `'uniform'` (default): equal-width bins on [0, 1]; `'quantile'`: equal-count bins (percentiles of `yProb`). */
  strategy?: CalibrationStrategy;
  /** Binary labels other than 0/1: the positive class. Default 1. */
  posLabel?: number;
}

/** The points of a reliability diagram: one per non-empty bin, ascending. */
export interface CalibrationCurve {
  /** Fraction of positives in each bin (sklearn's `prob_true`). */
  probTrue: number[];
  /** Mean predicted probability in each bin (sklearn's `prob_pred`). */
  probPred: number[];
  /** Samples in each bin (sklearn does not return it; the ECE and the diagram's point sizes need it). */
  counts: number[];
}

/**
 * The calibration (reliability) curve of binary probabilities, as sklearn 1.2's
 * `calibration_curve`: `yProb` binned, empty bins dropped. A value on an inner edge belongs to the
 * lower bin (numpy `searchsorted(edges, p, 'left')`).
 */
export function calibrationCurve(yTrue: NumberArray, yProb: NumberArray, options: CalibrationCurveOptions = {}): CalibrationCurve {
  const { positive, prob } = checkBinaryProbabilities(yTrue, yProb, options.posLabel);
  return binned(positive, prob, checkBins(options.nBins ?? 5), options.strategy ?? 'uniform');
}

export interface ExpectedCalibrationErrorOptions {
  /** Number of bins. Default 10 (the usual choice in the calibration literature). */
  nBins?: number;
  /** Default `'uniform'`. */
  strategy?: CalibrationStrategy;
  /** Binary probabilities with labels other than 0/1: the positive class. Default 1. */
  posLabel?: number;
}

/**
 * Expected calibration error: `sum_b (n_b / n) |accuracy_b - confidence_b|` over the bins of
 * `calibrationCurve`. Binary (`yProb` one probability per sample): the calibration of the positive
 * class' probability. Multi-class (`yProb` `n × classes`): top-label ECE, confidence = the highest
 * probability, accuracy = whether its class is the true one (Guo et al. 2017).
 */
export function expectedCalibrationError(
  yTrue: NumberArray,
  yProb: NumberArray | readonly NumberArray[],
  options: ExpectedCalibrationErrorOptions = {},
): number {
  const nBins = checkBins(options.nBins ?? 10);
  const strategy = options.strategy ?? 'uniform';
  let curve: CalibrationCurve;
  if (Array.isArray(yProb) && yProb.length > 0 && typeof yProb[0] !== 'number') {
    const t = checkLabels(yTrue, 'yTrue');
    const rows = yProb as readonly NumberArray[];
    checkSameLength(t, { length: rows.length }, 'yTrue', 'yProb');
    const correct: boolean[] = [];
    const confidence: number[] = [];
    rows.forEach((row, i) => {
      const r = checkProbabilities(row, `yProb[${i}]`);
      let best = 0;
      for (let j = 1; j < r.length; j++) if (r[j]! > r[best]!) best = j;
      correct.push(best === t[i]);
      confidence.push(r[best]!);
    });
    curve = binned(correct, confidence, nBins, strategy);
  } else {
    const { positive, prob } = checkBinaryProbabilities(yTrue, yProb as NumberArray, options.posLabel);
    curve = binned(positive, prob, nBins, strategy);
  }
  const n = curve.counts.reduce((a, b) => a + b, 0);
  return curve.counts.reduce((sum, count, b) => sum + (count / n) * Math.abs(curve.probTrue[b]! - curve.probPred[b]!), 0);
}

export interface BrierScoreOptions {
  /** The positive class. Default 1 (labels must then be 0/1). */
  posLabel?: number;
}

/**
 * Brier score, as sklearn's `brier_score_loss`: the mean squared difference between the positive
 * class' probability and the 0/1 outcome. 0 is perfect; always predicting 0.5 scores 0.25.
 */
export function brierScore(yTrue: NumberArray, yProb: NumberArray, options: BrierScoreOptions = {}): number {
  const { positive, prob } = checkBinaryProbabilities(yTrue, yProb, options.posLabel);
  let sum = 0;
  for (let i = 0; i < prob.length; i++) sum += ((positive[i] ? 1 : 0) - prob[i]!) ** 2;
  return sum / prob.length;
}

function checkBins(nBins: number): number {
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new MetricsError('E_BAD_ARGUMENT', `nBins must be a positive integer, got ${describe(nBins)}.`);
  }
  return nBins;
}

function checkProbabilities(values: unknown, name: string): NumberArray {
  const p = checkScores(values, name);
  for (let i = 0; i < p.length; i++) {
    if (p[i]! < 0 || p[i]! > 1) {
      throw new MetricsError('E_BAD_ARGUMENT', `${name}[${i}] is ${p[i]}: probabilities must lie in [0, 1] (apply a sigmoid or softmax first).`);
    }
  }
  return p;
}

function checkBinaryProbabilities(yTrue: NumberArray, yProb: NumberArray, posLabel: number | undefined): { positive: boolean[]; prob: NumberArray } {
  const t = checkLabels(yTrue, 'yTrue');
  const prob = checkProbabilities(yProb, 'yProb');
  checkSameLength(t, prob, 'yTrue', 'yProb');
  const present = [...new Set(Array.from(t))];
  if (present.length > 2) {
    throw new MetricsError('E_BAD_ARGUMENT', `Only binary classification is supported: yTrue holds classes ${present.sort((a, b) => a - b).join(', ')}.`);
  }
  const pos = posLabel ?? 1;
  if (posLabel === undefined && present.some((l) => l > 1)) {
    throw new MetricsError('E_BAD_ARGUMENT', `yTrue holds classes ${present.join(', ')}: pass posLabel (the class yProb is the probability of).`);
  }
  return { positive: Array.from(t, (v) => v === pos), prob };
}

/** numpy.percentile (`q` in 0..100) of ascending values, with numpy's linear interpolation bit for bit. */
export function percentile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * (q / 100);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = position - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  // numpy's _lerp interpolates from the nearer end, so edges equal to sample values stay exact.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

function binned(positive: readonly boolean[], prob: NumberArray, nBins: number, strategy: CalibrationStrategy): CalibrationCurve {
  let edges: number[];
  if (strategy === 'uniform') {
    edges = Array.from({ length: nBins + 1 }, (_, i) => (i === nBins ? 1 : i * (1 / nBins))); // np.linspace(0, 1, nBins + 1)
  } else if (strategy === 'quantile') {
    const sorted = Array.from(prob).sort((a, b) => a - b);
    // np.linspace(0, 1, nBins + 1) * 100, as sklearn passes it to np.percentile.
    edges = Array.from({ length: nBins + 1 }, (_, i) => percentile(sorted, (i === nBins ? 1 : i * (1 / nBins)) * 100));
  } else {
    throw new MetricsError('E_BAD_ARGUMENT', `strategy must be 'uniform' or 'quantile', got ${describe(strategy)}.`);
  }
  const inner = edges.slice(1, -1);
  const sums = new Array<number>(nBins).fill(0);
  const trues = new Array<number>(nBins).fill(0);
  const totals = new Array<number>(nBins).fill(0);
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i]!;
    let bin = 0;
    while (bin < inner.length && inner[bin]! < p) bin++;
    sums[bin]! += p;
    if (positive[i]) trues[bin]!++;
    totals[bin]!++;
  }
  const curve: CalibrationCurve = { probTrue: [], probPred: [], counts: [] };
  for (let b = 0; b < nBins; b++) {
    if (totals[b] === 0) continue;
    curve.probTrue.push(trues[b]! / totals[b]!);
    curve.probPred.push(sums[b]! / totals[b]!);
    curve.counts.push(totals[b]!);
  }
  return curve;
}
