import { MetricsError } from './errors';
import { checkLabelList } from './report';
import { checkSameLength, checkScores, type NumberArray } from './validate';

/** Multi-class scores split one-vs-rest, as sklearn's `label_binarize` + per-column metrics see them. */
export interface OneVsRest {
  /** Score columns (classes). */
  width: number;
  /** Class label of each column. */
  labels: number[];
  /** Column (class index) of each sample's true label. */
  classOf: number[];
  /** Scores by column: `columns[j][i]` is sample i's score for class j. */
  columns: Float64Array[];
  /** Samples per class. */
  support: number[];
}

/**
 * Validate `yTrue` against a score matrix (one row per sample, one column per class) and split it
 * one-vs-rest. `labels` names the columns (default 0..width-1); `sortedLabels` requires them sorted
 * (sklearn's roc_auc_score does). Bad shapes → `E_SHAPE_MISMATCH`, unknown classes → `E_BAD_ARGUMENT`.
 */
export function oneVsRest(t: NumberArray, rows: readonly NumberArray[], labelsOption: readonly number[] | undefined, sortedLabels = false): OneVsRest {
  checkSameLength(t, { length: rows.length }, 'yTrue', 'yScore');
  const width = checkScores(rows[0], 'yScore[0]').length;
  if (width < 2) {
    throw new MetricsError('E_SHAPE_MISMATCH', `yScore rows have ${width} column: one-vs-rest needs one score per class (>= 2).`);
  }
  const columns = Array.from({ length: width }, () => new Float64Array(rows.length));
  rows.forEach((row, i) => {
    const r = checkScores(row, `yScore[${i}]`);
    if (r.length !== width) {
      throw new MetricsError('E_SHAPE_MISMATCH', `yScore[${i}] has ${r.length} classes but yScore[0] has ${width}: every row needs one score per class.`);
    }
    for (let j = 0; j < width; j++) (columns[j] as Float64Array)[i] = r[j] as number;
  });
  const labels = labelsOption === undefined ? Array.from({ length: width }, (_, j) => j) : checkLabelList(labelsOption, 'labels');
  if (sortedLabels && labels.some((l, i) => i > 0 && l < (labels[i - 1] as number))) {
    throw new MetricsError('E_BAD_ARGUMENT', `labels must be sorted, got [${labels.join(', ')}].`);
  }
  if (labels.length !== width) {
    throw new MetricsError('E_SHAPE_MISMATCH', `Number of given labels, ${labels.length}, not equal to the number of columns in yScore, ${width}.`);
  }
  const column = new Map(labels.map((l, j) => [l, j]));
  const support = new Array<number>(width).fill(0);
  const classOf = Array.from(t, (label, i) => {
    const j = column.get(label);
    if (j === undefined) {
      throw new MetricsError(
        'E_BAD_ARGUMENT',
        labelsOption === undefined
          ? `yTrue[${i}] is class ${label} but yScore has ${width} columns: classes must be 0..${width - 1}.`
          : `yTrue[${i}] is class ${label}, which is not in labels [${labels.join(', ')}].`,
      );
    }
    (support[j] as number)++;
    return j;
  });
  return { width, labels, classOf, columns, support };
}

/** The micro-average view: every (sample, class) pair as one binary decision, row by row. */
export function microAverageInputs(ovr: OneVsRest): { positive: boolean[]; scores: number[] } {
  const positive: boolean[] = [];
  const scores: number[] = [];
  ovr.classOf.forEach((c, i) => {
    for (let j = 0; j < ovr.width; j++) {
      positive.push(c === j);
      scores.push((ovr.columns[j] as Float64Array)[i] as number);
    }
  });
  return { positive, scores };
}

/** sklearn's `_average_binary_score` for per-class values: macro (plain mean) or weighted by support. */
export function averageOverClasses(values: readonly number[], support: readonly number[], average: 'macro' | 'weighted'): number {
  if (average === 'weighted') {
    let num = 0;
    let den = 0;
    values.forEach((v, j) => {
      num += v * (support[j] as number);
      den += support[j] as number;
    });
    return num / den;
  }
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}
