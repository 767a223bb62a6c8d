import { checkLabels, type NumberArray } from './validate';

/** The sorted union of the class indices found in the given arrays, as sklearn's `unique_labels`. */
export function uniqueLabels(...ys: NumberArray[]): number[] {
  const seen = new Set<number>();
  ys.forEach((y, k) => {
    const labels = checkLabels(y, `labels array ${k}`);
    for (let i = 0; i < labels.length; i++) seen.add(labels[i]!);
  });
  return [...seen].sort((a, b) => a - b);
}
