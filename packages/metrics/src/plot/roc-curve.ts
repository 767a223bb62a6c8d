import { MetricsError } from '../errors';
import { formatFixed } from '../format';
import { auc } from '../roc';
import { describe } from '../validate';
import { VEGA_LITE_SCHEMA, type PlotOptions, type VegaLiteSpec } from './spec';

/** One ROC curve to draw: `rocCurve(...)`'s output plus a name; `auc` is computed from the points when left out. */
export interface NamedRocCurve {
  name: string;
  fpr: readonly number[];
  tpr: readonly number[];
  auc?: number;
}

export interface RocCurveSpecOptions extends PlotOptions {
  /** Decimals of the AUC in the legend. Default 2 (sklearn's `RocCurveDisplay`). */
  aucDigits?: number;
  /** Draw the diagonal chance line. Default `true`. */
  chanceLine?: boolean;
  /** Default `'False Positive Rate'`. */
  xTitle?: string;
  /** Default `'True Positive Rate'`. */
  yTitle?: string;
}

/**
 * ROC curves, one line per curve, labelled like sklearn's `RocCurveDisplay` — `"COVID19 (AUC = 0.93)"` —
 * over a dashed diagonal chance line. Non-finite points (a curve with no negatives) are left out.
 */
export function rocCurveSpec(curves: readonly NamedRocCurve[], options: RocCurveSpecOptions = {}): VegaLiteSpec {
  if (!Array.isArray(curves) || curves.length === 0) {
    throw new MetricsError('E_BAD_ARGUMENT', `curves must be a non-empty array of { name, fpr, tpr }, got ${describe(curves)}.`);
  }
  const digits = options.aucDigits ?? 2;
  const values: { fpr: number; tpr: number; curve: string; order: number }[] = [];
  const legend: string[] = [];
  curves.forEach((c, k) => {
    if (c === null || typeof c !== 'object' || typeof c.name !== 'string' || !Array.isArray(c.fpr) || !Array.isArray(c.tpr)) {
      throw new MetricsError('E_BAD_ARGUMENT', `curves[${k}] must be { name: string, fpr: number[], tpr: number[] }.`);
    }
    if (c.fpr.length !== c.tpr.length) {
      throw new MetricsError('E_SHAPE_MISMATCH', `curves[${k}] ("${c.name}") has ${c.fpr.length} fpr but ${c.tpr.length} tpr values.`);
    }
    const finite = c.fpr.every(Number.isFinite) && c.tpr.every(Number.isFinite);
    const area = c.auc ?? (finite && c.fpr.length >= 2 ? auc(c.fpr, c.tpr) : Number.NaN);
    const label = Number.isFinite(area) ? `${c.name} (AUC = ${formatFixed(area, digits)})` : c.name;
    if (legend.includes(label)) {
      throw new MetricsError('E_BAD_ARGUMENT', `two curves are labelled "${label}": give each curve its own name.`);
    }
    legend.push(label);
    (c.fpr as readonly number[]).forEach((fpr: number, i: number) => {
      const tpr = c.tpr[i]!;
      if (Number.isFinite(fpr) && Number.isFinite(tpr)) values.push({ fpr, tpr, curve: label, order: i });
    });
  });
  const x = { field: 'fpr', type: 'quantitative', title: options.xTitle ?? 'False Positive Rate', scale: { domain: [0, 1] } } as const;
  const y = { field: 'tpr', type: 'quantitative', title: options.yTitle ?? 'True Positive Rate', scale: { domain: [0, 1] } } as const;
  const layers: object[] = [];
  if (options.chanceLine ?? true) {
    layers.push({
      data: { values: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
      mark: { type: 'line', strokeDash: [4, 4], color: 'gray', strokeWidth: 1 },
      encoding: { x, y },
    });
  }
  layers.push({
    data: { values },
    mark: { type: 'line', interpolate: 'linear' },
    encoding: {
      x,
      y,
      order: { field: 'order', type: 'quantitative' },
      color: { field: 'curve', type: 'nominal', title: null, sort: legend, legend: { labelLimit: 400 } },
    },
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? 'ROC Curve',
    width: options.width ?? 360,
    height: options.height ?? 360,
    layer: layers,
  } as VegaLiteSpec;
}
