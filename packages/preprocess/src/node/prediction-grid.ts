import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { writeTitledGrid, type TitledGridOptions } from './titled-grid.js';

/** A class as an index into `classes` or as its name. */
export type ClassLabel = number | string;

export interface PredictionGridOptions extends TitledGridOptions {
  /** Ground truth per image. */
  trueLabels: readonly ClassLabel[];
  /** Prediction per image; may be left out when `probabilities` is a full [n, classes] matrix (argmax is used). */
  predLabels?: readonly ClassLabel[];
  /**
   * Either the probability of the predicted class per image, or all class probabilities
   * [n, classes] (array or tensor, e.g. `model.predict` output): the title shows `(p=0.93)`.
   */
  probabilities?: readonly number[] | readonly (readonly number[])[] | tf.Tensor2D;
  /** Class names, e.g. ['Normal', 'COVID-19', 'Viral'] (needed for index labels). */
  classes?: readonly string[];
  /** Title colour when right (default green) and wrong (default red). */
  colors?: { right?: string; wrong?: string };
}

export const PREDICTION_COLORS = { right: '#15803d', wrong: '#dc2626' } as const;

/**
 * The article's sample-prediction figure as a PNG: images [n, h, w, c] in [0, 1], each titled
 * "true / predicted (p=0.93)", green when the prediction is right and red when it is wrong.
 * Returns the PNG bytes and writes them to `path` when given.
 */
export async function writePredictionGrid(path: string | null, images: tf.Tensor4D, options: PredictionGridOptions): Promise<Buffer> {
  const name = 'writePredictionGrid';
  if (images.rank !== 4) {
    throw new CxrError('E_SHAPE_MISMATCH', `${name}: expected images [n, h, w, c], got [${images.shape.join(', ')}].`);
  }
  const n = images.shape[0];
  const classes = options.classes;
  const className = (label: ClassLabel, what: string): string => {
    if (typeof label === 'string') return label;
    if (!Number.isInteger(label) || label < 0 || (classes && label >= classes.length)) {
      throw new CxrError('E_BAD_ARGUMENT', `${name}: ${what} ${label} is not a class index${classes ? ` (0…${classes.length - 1})` : ''}.`);
    }
    return classes ? (classes[label] as string) : String(label);
  };
  const probs = options.probabilities instanceof tf.Tensor ? (options.probabilities.arraySync() as number[][]) : options.probabilities;
  if (options.trueLabels.length !== n) throw new CxrError('E_BAD_ARGUMENT', `${name}: ${n} images but ${options.trueLabels.length} trueLabels.`);
  if (probs && probs.length !== n) throw new CxrError('E_BAD_ARGUMENT', `${name}: ${n} images but ${probs.length} probabilities.`);
  const matrix = probs !== undefined && n > 0 && Array.isArray(probs[0]);
  let pred = options.predLabels;
  if (!pred) {
    if (!matrix) throw new CxrError('E_BAD_ARGUMENT', `${name}: give predLabels, or probabilities as an [n, classes] matrix to take the argmax of.`);
    pred = (probs as readonly (readonly number[])[]).map((row) => row.indexOf(Math.max(...row)));
  }
  if (pred.length !== n) throw new CxrError('E_BAD_ARGUMENT', `${name}: ${n} images but ${pred.length} predLabels.`);
  const right = options.colors?.right ?? PREDICTION_COLORS.right;
  const wrong = options.colors?.wrong ?? PREDICTION_COLORS.wrong;
  const titles = Array.from({ length: n }, (_, i) => {
    const t = className(options.trueLabels[i] as ClassLabel, 'true label');
    const p = className(pred[i] as ClassLabel, 'predicted label');
    let prob: number | undefined;
    if (probs) {
      if (matrix) {
        const row = probs[i] as readonly number[];
        const k = typeof pred[i] === 'number' ? (pred[i] as number) : (classes?.indexOf(pred[i] as string) ?? -1);
        prob = row[k];
      } else prob = probs[i] as number;
    }
    return { text: `${t} / ${p}${prob === undefined ? '' : ` (p=${prob.toFixed(2)})`}`, color: t === p ? right : wrong };
  });
  return writeTitledGrid(path, images, titles, options, name);
}
