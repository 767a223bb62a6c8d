import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { writeTitledGrid, type TitledGridOptions } from './titled-grid.js';
import { PREDICTION_COLORS } from './prediction-grid.js';

/** What the grid reads from a row: the shape of `@cxr/metrics`' `topLosses` rows (only these fields are needed). */
export interface TopLossGridRow {
  actual: number | string;
  predicted: number | string;
  loss: number;
  /** p[predicted] (fastai v2's number). */
  probability: number;
  /** p[actual] (fastai v1's number); needed only with `probability: 'actual'`. */
  actualProbability?: number;
}

export interface TopLossesGridOptions extends TitledGridOptions {
  /** Class names for index labels. */
  classes?: readonly string[];
  /** Which probability the title shows: 'predicted' (default, fastai v2's `r.max()`) or 'actual' (fastai v1's `probs[idx][cl]`). */
  probability?: 'predicted' | 'actual';
  /** Title colour (default red, `PREDICTION_COLORS.wrong`). */
  color?: string;
  /** Decimals for loss and probability (default 2). */
  digits?: number;
}

/**
 * fastai's `interp.plot_top_losses(k)` as a PNG: images [n, h, w, c] in [0, 1] (`denormalize` first), one per
 * `topLosses` row in the same order, each titled "predicted/actual / loss / probability", e.g.
 * `COVID-19/other / 2.31 / 0.90`, in red. Returns the PNG bytes and writes them to `path` when given.
 */
export async function writeTopLossesGrid(
  path: string | null,
  images: tf.Tensor4D,
  rows: readonly TopLossGridRow[],
  options: TopLossesGridOptions = {},
): Promise<Buffer> {
  const name = 'writeTopLossesGrid';
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    throw new CxrError('E_SHAPE_MISMATCH', `${name}: expected images [n, h, w, c], got ${images instanceof tf.Tensor ? `[${images.shape.join(', ')}]` : String(images)}.`);
  }
  if (!Array.isArray(rows)) throw new CxrError('E_BAD_ARGUMENT', `${name}: rows must be an array of topLosses rows.`);
  const n = images.shape[0];
  if (rows.length !== n) throw new CxrError('E_SHAPE_MISMATCH', `${name}: ${n} images but ${rows.length} rows: pass the images of the rows, in row order.`);
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new CxrError('E_BAD_ARGUMENT', `${name}: digits must be an integer from 0 to 20, got ${digits}.`);
  const classes = options.classes;
  const className = (label: number | string, what: string, i: number): string => {
    if (typeof label === 'string') return label;
    if (!Number.isInteger(label) || label < 0 || (classes && label >= classes.length)) {
      throw new CxrError('E_BAD_ARGUMENT', `${name}: rows[${i}].${what} is ${label}, not a class index${classes ? ` (0…${classes.length - 1})` : ''}.`);
    }
    return classes ? (classes[label] as string) : String(label);
  };
  const which = options.probability ?? 'predicted';
  if (which !== 'predicted' && which !== 'actual') throw new CxrError('E_BAD_ARGUMENT', `${name}: probability must be 'predicted' or 'actual', got ${JSON.stringify(which)}.`);
  const color = options.color ?? PREDICTION_COLORS.wrong;
  const titles = rows.map((row, i) => {
    if (typeof row !== 'object' || row === null) throw new CxrError('E_BAD_ARGUMENT', `${name}: rows[${i}] is not a row.`);
    const p = which === 'actual' ? row.actualProbability : row.probability;
    for (const [v, field] of [[row.loss, 'loss'], [p, which === 'actual' ? 'actualProbability' : 'probability']] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new CxrError('E_NOT_FINITE', `${name}: rows[${i}].${field} is ${String(v)}, not a finite number.`);
      }
    }
    const text = `${className(row.predicted, 'predicted', i)}/${className(row.actual, 'actual', i)} / ${row.loss.toFixed(digits)} / ${(p as number).toFixed(digits)}`;
    return { text, color };
  });
  return writeTitledGrid(path, images, titles, options, name);
}
