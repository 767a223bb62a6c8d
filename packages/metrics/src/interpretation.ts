import { MetricsError } from './errors';
import { checkLabels, checkSameLength, checkScores, describe, type NumberArray } from './validate';
import { formatFixed } from './format';

/** One row of `topLosses`: a sample, what it is, what the model said, and how wrong that was. */
export interface TopLossRow {
  /** Position of the sample in the inputs. */
  index: number;
  /** `files[index]`, or `null` when no files were given. */
  file: string | null;
  /** True class index. */
  actual: number;
  /** Predicted class index: the argmax of the sample's probabilities (first on ties, as `numpy.argmax`). */
  predicted: number;
  /** `classes[actual]`, or the index as a string. */
  actualName: string;
  /** `classes[predicted]`, or the index as a string. */
  predictedName: string;
  /** The given loss, or the cross-entropy −ln p[actual] (p clipped to at least `Number.EPSILON`). */
  loss: number;
  /** p[predicted], the largest probability: what fastai v2's `plot_top_losses` shows. */
  probability: number;
  /** p[actual]: what fastai v1's `plot_top_losses` shows as its last number. */
  actualProbability: number;
}

export interface TopLossesOptions {
  /**
   * Per-class probabilities, one row per sample (softmax output), or binary scores: one number per
   * sample, the probability of class 1 (read as the rows [1 − s, s]). Every value must lie in [0, 1].
   */
  probabilities: readonly NumberArray[] | NumberArray;
  /** True class indices, one per sample. */
  yTrue: NumberArray;
  /** Per-sample losses from the training loss function; when left out, cross-entropy from `probabilities`. */
  losses?: NumberArray;
  /** A name per sample (file path), copied into the rows. */
  files?: readonly string[];
  /** How many rows (default: all samples; more than the number of samples gives all of them). */
  k?: number;
  /** Class names: the number of classes every row must have, and the rows' `actualName`/`predictedName`. */
  classes?: readonly string[];
  /** `true` (default): largest losses first, as fastai's `top_losses(largest=True)`; `false`: smallest first. */
  largest?: boolean;
}

function isRows(p: unknown): p is readonly NumberArray[] {
  return Array.isArray(p) && p.length > 0 && typeof p[0] === 'object' && p[0] !== null;
}

/**
 * fastai's `ClassificationInterpretation.top_losses(k)` as rows: the `k` samples with the largest loss,
 * largest first (ties: lower index first), each with file, actual and predicted class, loss and the
 * probability of the predicted class. Without `losses` the loss is the per-sample cross-entropy
 * −ln p[actual] — what fastai gets from `CrossEntropyLossFlat(reduction='none')` on the logits.
 */
export function topLosses(options: TopLossesOptions): TopLossRow[] {
  if (typeof options !== 'object' || options === null) {
    throw new MetricsError('E_BAD_ARGUMENT', `topLosses takes an options object { probabilities, yTrue, ... }, got ${describe(options)}.`);
  }
  const yTrue = checkLabels(options.yTrue, 'yTrue');
  const n = yTrue.length;
  const classes = options.classes;
  if (classes !== undefined && (!Array.isArray(classes) || classes.length < 2 || classes.some((c) => typeof c !== 'string'))) {
    throw new MetricsError('E_BAD_ARGUMENT', `classes must be an array of at least two class names, got ${describe(classes)}.`);
  }

  // Probabilities → rows.
  const raw = options.probabilities;
  let rows: NumberArray[];
  if (isRows(raw)) {
    if (raw.length !== n) {
      throw new MetricsError('E_SHAPE_MISMATCH', `probabilities has ${raw.length} rows but yTrue has ${n} samples: pass one row per sample.`);
    }
    const width = checkScores(raw[0], 'probabilities[0]').length;
    rows = raw.map((row, i) => {
      const r = checkScores(row, `probabilities[${i}]`);
      if (r.length !== width) {
        throw new MetricsError('E_SHAPE_MISMATCH', `probabilities[${i}] has ${r.length} classes but probabilities[0] has ${width}: every row needs one value per class.`);
      }
      return r;
    });
    if (width < 2) throw new MetricsError('E_SHAPE_MISMATCH', `probabilities rows have ${width} column: pass binary scores as a flat array, or one column per class.`);
  } else {
    const s = checkScores(raw, 'probabilities');
    checkSameLength(s, yTrue, 'probabilities', 'yTrue');
    rows = Array.from(s, (v) => [1 - v, v]);
  }
  const width = rows[0]!.length;
  if (classes !== undefined && classes.length !== width) {
    throw new MetricsError('E_SHAPE_MISMATCH', `${classes.length} classes but probabilities have ${width} columns.`);
  }
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    for (let j = 0; j < width; j++) {
      const v = row[j]!;
      if (v < 0 || v > 1) {
        throw new MetricsError(
          'E_BAD_ARGUMENT',
          `probabilities[${i}]${isRows(raw) ? `[${j}]` : ''} is ${v}: probabilities must lie in [0, 1] (apply softmax or sigmoid to logits first).`,
        );
      }
    }
    if (yTrue[i]! >= width) {
      throw new MetricsError('E_BAD_ARGUMENT', `yTrue[${i}] is ${yTrue[i]} but the probabilities have only ${width} classes (0…${width - 1}).`);
    }
  }

  let losses: NumberArray | undefined;
  if (options.losses !== undefined) {
    losses = checkScores(options.losses, 'losses');
    checkSameLength(losses, yTrue, 'losses', 'yTrue');
  }
  const files = options.files;
  if (files !== undefined) {
    if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) {
      throw new MetricsError('E_BAD_ARGUMENT', `files must be an array of strings, got ${describe(files)}.`);
    }
    if (files.length !== n) throw new MetricsError('E_SHAPE_MISMATCH', `files has ${files.length} entries but yTrue has ${n}: pass one file per sample.`);
  }
  const k = options.k ?? n;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) {
    throw new MetricsError('E_BAD_ARGUMENT', `k must be a non-negative integer, got ${describe(k)}.`);
  }
  const largest = options.largest ?? true;

  const name = (c: number): string => (classes ? classes[c]! : String(c));
  const out: TopLossRow[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    let predicted = 0;
    for (let j = 1; j < width; j++) if (row[j]! > row[predicted]!) predicted = j;
    const actual = yTrue[i]!;
    const pActual = row[actual]!;
    out.push({
      index: i,
      file: files ? files[i]! : null,
      actual,
      predicted,
      actualName: name(actual),
      predictedName: name(predicted),
      loss: losses ? losses[i]! : -Math.log(Math.max(pActual, Number.EPSILON)),
      probability: row[predicted]!,
      actualProbability: pActual,
    });
  }
  out.sort((a, b) => (largest ? b.loss - a.loss : a.loss - b.loss) || a.index - b.index);
  return out.slice(0, Math.min(k, n));
}

export interface FormatTopLossesOptions {
  /** Decimals for loss and probabilities (default 2, as fastai's titles). */
  digits?: number;
  /** Also show p[actual] (fastai v1's number) next to p[predicted] (default false). */
  actualProbability?: boolean;
}

/**
 * `topLosses` rows as a plain-text table with a header: `#`, `file` (when any row has one),
 * `actual`, `predicted`, `loss`, `probability` — columns padded to their widest entry, numbers right-aligned.
 */
export function formatTopLosses(rows: readonly TopLossRow[], options: FormatTopLossesOptions = {}): string {
  if (!Array.isArray(rows)) throw new MetricsError('E_BAD_ARGUMENT', `rows must be an array of topLosses rows, got ${describe(rows)}.`);
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new MetricsError('E_BAD_ARGUMENT', `digits must be an integer from 0 to 20, got ${describe(digits)}.`);
  }
  const withFile = rows.some((r) => r.file !== null && r.file !== undefined);
  const header = ['#', ...(withFile ? ['file'] : []), 'actual', 'predicted', 'loss', 'probability', ...(options.actualProbability ? ['p(actual)'] : [])];
  const right = header.map((h) => h === '#' || h === 'loss' || h === 'probability' || h === 'p(actual)');
  const body = rows.map((r) => [
    String(r.index),
    ...(withFile ? [r.file ?? ''] : []),
    r.actualName ?? String(r.actual),
    r.predictedName ?? String(r.predicted),
    formatFixed(r.loss, digits),
    formatFixed(r.probability, digits),
    ...(options.actualProbability ? [formatFixed(r.actualProbability, digits)] : []),
  ]);
  const widths = header.map((h, c) => Math.max([...h].length, ...body.map((line) => [...line[c]!].length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - [...cell].length);
        return right[c] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [fmt(header), ...body.map(fmt)].join('\n') + '\n';
}

export interface MostConfusedOptions {
  /** Class names, index = class (default: the indices as strings, classes 0…max label). */
  classes?: readonly string[];
  /** Keep pairs confused at least this many times (default 1, as fastai). */
  minVal?: number;
}

/**
 * fastai's `ClassificationInterpretation.most_confused(min_val)`: the off-diagonal cells of the confusion
 * matrix with a count of at least `minVal`, as [actual, predicted, count], largest count first; equal
 * counts keep row-major order (actual, then predicted), as fastai's stable sort of `np.where` does.
 */
export function mostConfused(yTrue: NumberArray, yPred: NumberArray, options: MostConfusedOptions = {}): [string, string, number][] {
  const t = checkLabels(yTrue, 'yTrue');
  const p = checkLabels(yPred, 'yPred');
  checkSameLength(t, p, 'yTrue', 'yPred');
  const minVal = options.minVal ?? 1;
  if (typeof minVal !== 'number' || !Number.isFinite(minVal)) {
    throw new MetricsError('E_BAD_ARGUMENT', `minVal must be a finite number, got ${describe(minVal)}.`);
  }
  const classes = options.classes;
  let n: number;
  if (classes !== undefined) {
    if (!Array.isArray(classes) || classes.length === 0 || classes.some((c) => typeof c !== 'string')) {
      throw new MetricsError('E_BAD_ARGUMENT', `classes must be a non-empty array of class names, got ${describe(classes)}.`);
    }
    n = classes.length;
    for (const [arr, what] of [[t, 'yTrue'], [p, 'yPred']] as const) {
      for (let i = 0; i < arr.length; i++) {
        if (arr[i]! >= n) throw new MetricsError('E_BAD_ARGUMENT', `${what}[${i}] is ${arr[i]} but there are only ${n} classes (0…${n - 1}).`);
      }
    }
  } else {
    n = 0;
    for (let i = 0; i < t.length; i++) n = Math.max(n, t[i]! + 1, p[i]! + 1);
  }
  const cm = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < t.length; i++) cm[t[i]!]![p[i]!]!++;
  const out: [string, string, number][] = [];
  const name = (c: number): string => (classes ? classes[c]! : String(c));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j && cm[i]![j]! >= minVal) out.push([name(i), name(j), cm[i]![j]!]);
    }
  }
  return out.sort((a, b) => b[2] - a[2]); // Array.prototype.sort is stable
}
