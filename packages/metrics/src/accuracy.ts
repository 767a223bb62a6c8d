import { checkLabelPair, type NumberArray } from './validate';

export interface AccuracyOptions {
  /** `true` (default): the fraction of correct predictions; `false`: their count (sklearn's `normalize`). */
  normalize?: boolean;
}

/**
 * Fraction (or count) of samples whose predicted class equals the true class, as sklearn's
 * `accuracy_score(y_true, y_pred, normalize=...)`.
 */
export function accuracyScore(yTrue: NumberArray, yPred: NumberArray, options: AccuracyOptions = {}): number {
  const [t, p] = checkLabelPair(yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) correct++;
  return options.normalize === false ? correct : correct / t.length;
}
