import { normalizeMatrix, type ConfusionNormalize } from '../confusion';
import { MetricsError } from '../errors';
import { VEGA_LITE_SCHEMA, type PlotOptions, type VegaLiteSpec } from './spec';

export interface ConfusionMatrixSpecOptions extends PlotOptions {
  /** Class names in matrix order. Default: `'0'`, `'1'`, ... */
  labels?: readonly string[];
  /** Normalize the counts first (as `confusionMatrix(..., { normalize })`); colours and annotations show the ratios. */
  normalize?: ConfusionNormalize;
  /** d3-format of the annotations. Default: `'d'` when every cell is an integer, else `'.2f'`. */
  format?: string;
  /** Default `'Predicted Labels'`. */
  xTitle?: string;
  /** Default `'True Labels'`. */
  yTitle?: string;
  /** A vega colour scheme. Default `'blues'`. */
  colorScheme?: string;
}

/**
 * A heatmap of a confusion matrix with each cell's value written in it (seaborn's
 * `heatmap(cm, annot=True)`): x = predicted class, y = true class, rows in matrix order top-down.
 */
export function confusionMatrixSpec(
  matrix: readonly (readonly number[])[],
  options: ConfusionMatrixSpecOptions = {},
): VegaLiteSpec {
  checkMatrix(matrix);
  const n = matrix.length;
  const labels = options.labels ?? Array.from({ length: n }, (_, i) => String(i));
  if (labels.length !== n || new Set(labels).size !== n) {
    throw new MetricsError(
      'E_SHAPE_MISMATCH',
      `labels has ${labels.length} distinct names for a ${n}×${n} matrix: pass one unique name per class.`,
    );
  }
  const cells = options.normalize === undefined ? matrix : normalizeMatrix(matrix, options.normalize);
  const values = cells.flatMap((row, i) => row.map((value, j) => ({ trueLabel: labels[i]!, predictedLabel: labels[j]!, value })));
  const flat = values.map((v) => v.value);
  const max = Math.max(...flat);
  const min = Math.min(...flat);
  const format = options.format ?? (flat.every(Number.isInteger) ? 'd' : '.2f');
  const order = [...labels];
  const size = options.width ?? Math.max(240, 80 * n);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? 'Confusion Matrix',
    width: size,
    height: options.height ?? size,
    data: { values },
    encoding: {
      x: {
        field: 'predictedLabel',
        type: 'nominal',
        sort: order,
        title: options.xTitle ?? 'Predicted Labels',
        axis: { labelAngle: 0, orient: 'bottom' },
      },
      y: { field: 'trueLabel', type: 'nominal', sort: order, title: options.yTitle ?? 'True Labels' },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: null,
            // Any vega scheme name; vega-lite's type lists them as a closed union.
            scale: { scheme: (options.colorScheme ?? 'blues') as 'blues', domain: [Math.min(0, min), max > 0 ? max : 1] },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 16 },
        encoding: {
          text: { field: 'value', type: 'quantitative', format },
          // Light text on dark cells, dark on light ones, as seaborn picks per cell.
          color: { condition: { test: `datum.value > ${(max + Math.min(0, min)) / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

function checkMatrix(matrix: unknown): asserts matrix is readonly (readonly number[])[] {
  if (!Array.isArray(matrix) || matrix.length === 0) {
    throw new MetricsError('E_BAD_ARGUMENT', 'matrix must be a non-empty square array of rows, e.g. confusionMatrix(yTrue, yPred).');
  }
  matrix.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== matrix.length) {
      throw new MetricsError('E_SHAPE_MISMATCH', `matrix row ${i} must have ${matrix.length} entries: a confusion matrix is square.`);
    }
    row.forEach((v: unknown, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new MetricsError('E_NOT_FINITE', `matrix[${i}][${j}] is ${String(v)}: every cell must be a finite number.`);
      }
    });
  });
}
