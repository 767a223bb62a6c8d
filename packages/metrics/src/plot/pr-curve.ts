import { MetricsError } from '../errors';
import { formatFixed } from '../format';
import { describe } from '../validate';
import { VEGA_LITE_SCHEMA, type PlotOptions, type VegaLiteSpec } from './spec';

/** One precision-recall curve to draw: `precisionRecallCurve(...)`'s output plus a name and, optionally, its AP. */
export interface NamedPrCurve {
  name: string;
  precision: readonly number[];
  recall: readonly number[];
  averagePrecision?: number;
}

export interface PrCurveSpecOptions extends PlotOptions {
  /** Decimals of the AP in the legend. Default 2 (sklearn's `PrecisionRecallDisplay`). */
  apDigits?: number;
  /** Draw a dashed horizontal line at this precision, e.g. the positive rate (a random classifier). */
  chanceLevel?: number;
}

/**
 * Precision-recall curves drawn as steps (the curve AP integrates), labelled like sklearn's
 * `PrecisionRecallDisplay` — `"COVID19 (AP = 0.91)"`.
 */
export function prCurveSpec(curves: readonly NamedPrCurve[], options: PrCurveSpecOptions = {}): VegaLiteSpec {
  if (!Array.isArray(curves) || curves.length === 0) {
    throw new MetricsError('E_BAD_ARGUMENT', `curves must be a non-empty array of { name, precision, recall }, got ${describe(curves)}.`);
  }
  const digits = options.apDigits ?? 2;
  const values: { recall: number; precision: number; curve: string; order: number }[] = [];
  const legend: string[] = [];
  curves.forEach((c, k) => {
    if (c === null || typeof c !== 'object' || typeof c.name !== 'string' || !Array.isArray(c.precision) || !Array.isArray(c.recall)) {
      throw new MetricsError('E_BAD_ARGUMENT', `curves[${k}] must be { name: string, precision: number[], recall: number[] }.`);
    }
    if (c.precision.length !== c.recall.length) {
      throw new MetricsError('E_SHAPE_MISMATCH', `curves[${k}] ("${c.name}") has ${c.precision.length} precision but ${c.recall.length} recall values.`);
    }
    const label = c.averagePrecision !== undefined && Number.isFinite(c.averagePrecision) ? `${c.name} (AP = ${formatFixed(c.averagePrecision, digits)})` : c.name;
    if (legend.includes(label)) throw new MetricsError('E_BAD_ARGUMENT', `two curves are labelled "${label}": give each curve its own name.`);
    legend.push(label);
    (c.recall as readonly number[]).forEach((recall: number, i: number) => values.push({ recall, precision: c.precision[i]!, curve: label, order: i }));
  });
  const x = { field: 'recall', type: 'quantitative', title: 'Recall', scale: { domain: [0, 1] } } as const;
  const y = { field: 'precision', type: 'quantitative', title: 'Precision', scale: { domain: [0, 1.02] } } as const;
  const layers: object[] = [];
  if (options.chanceLevel !== undefined) {
    layers.push({
      data: { values: [{ recall: 0, precision: options.chanceLevel }, { recall: 1, precision: options.chanceLevel }] },
      mark: { type: 'line', strokeDash: [4, 4], color: 'gray', strokeWidth: 1 },
      encoding: { x, y },
    });
  }
  layers.push({
    data: { values },
    // sklearn's PrecisionRecallDisplay: drawstyle="steps-post" in the curve's order (recall decreasing).
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: { x, y, order: { field: 'order', type: 'quantitative' }, color: { field: 'curve', type: 'nominal', title: null, sort: legend, legend: { labelLimit: 400 } } },
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? 'Precision-Recall Curve',
    width: options.width ?? 360,
    height: options.height ?? 360,
    layer: layers,
  } as VegaLiteSpec;
}
