import type { NumberArray } from './validate';

/** Cumulative true/false positive counts at each distinct score, highest score first. */
export interface ClfCounts {
  fps: number[];
  tps: number[];
  /** Decreasing: the distinct scores. */
  thresholds: number[];
}

/**
 * sklearn's `_binary_clf_curve`: sort by score (descending) and take the counts at the last sample
 * of each run of equal scores, so ties form one step. Shared by the ROC and precision-recall curves.
 */
export function binaryClfCurve(positive: readonly boolean[], s: NumberArray): ClfCounts {
  const n = s.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[b]! - s[a]!);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (positive[i]) tp++;
    if (k === n - 1 || s[order[k + 1]!]! !== s[i]!) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thresholds.push(s[i]!);
    }
  }
  return { fps, tps, thresholds };
}
