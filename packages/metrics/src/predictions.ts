import { MetricsError } from './errors';
import { checkScores, describe, type NumberArray } from './validate';

/**
 * Turn binary scores into class indices: `score > threshold` → 1, else 0 — the article's
 * `torch.sigmoid(logit) > .5`. Scores are probabilities with the default 0.5; for raw logits pass
 * `threshold = 0` (sigmoid(x) > 0.5 exactly when x > 0).
 */
export function thresholdPredictions(scores: NumberArray, threshold = 0.5): number[] {
  const s = checkScores(scores, 'scores');
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new MetricsError('E_BAD_ARGUMENT', `threshold must be a finite number, got ${describe(threshold)}.`);
  }
  const out = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i]! > threshold ? 1 : 0;
  return out;
}

/**
 * Turn per-class scores (one row per sample) into class indices: the index of each row's largest
 * score, the first one on ties (as `numpy.argmax`).
 */
export function argmaxPredictions(scores: readonly NumberArray[]): number[] {
  if (!Array.isArray(scores) || scores.length === 0) {
    throw new MetricsError('E_BAD_ARGUMENT', `scores must be a non-empty array of rows (one per sample), got ${describe(scores)}.`);
  }
  const width = checkScores(scores[0], 'scores[0]').length;
  const out = new Array<number>(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const row = checkScores(scores[i], `scores[${i}]`);
    if (row.length !== width) {
      throw new MetricsError(
        'E_SHAPE_MISMATCH',
        `scores[${i}] has ${row.length} classes but scores[0] has ${width}: every row needs one score per class.`,
      );
    }
    let best = 0;
    for (let j = 1; j < width; j++) if (row[j]! > row[best]!) best = j;
    out[i] = best;
  }
  return out;
}
