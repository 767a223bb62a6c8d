import { MetricsError } from '../errors';
import { describe } from '../validate';
import { VEGA_LITE_SCHEMA, type PlotOptions, type VegaLiteSpec } from './spec';

/** One calibration curve to draw: `calibrationCurve(...)`'s output plus a name. */
export interface NamedCalibrationCurve {
  name: string;
  probTrue: readonly number[];
  probPred: readonly number[];
  /** Samples per bin: drawn as the points' size when given. */
  counts?: readonly number[];
}

/**
 * A reliability diagram, like sklearn's `CalibrationDisplay`: the fraction of positives against the
 * mean predicted probability per bin, over the dashed diagonal of perfect calibration.
 */
export function reliabilityDiagramSpec(curves: readonly NamedCalibrationCurve[], options: PlotOptions = {}): VegaLiteSpec {
  if (!Array.isArray(curves) || curves.length === 0) {
    throw new MetricsError('E_BAD_ARGUMENT', `curves must be a non-empty array of { name, probTrue, probPred }, got ${describe(curves)}.`);
  }
  const values: { probPred: number; probTrue: number; count: number; curve: string }[] = [];
  curves.forEach((c, k) => {
    if (c === null || typeof c !== 'object' || typeof c.name !== 'string' || !Array.isArray(c.probTrue) || !Array.isArray(c.probPred)) {
      throw new MetricsError('E_BAD_ARGUMENT', `curves[${k}] must be { name: string, probTrue: number[], probPred: number[] }.`);
    }
    if (c.probTrue.length !== c.probPred.length || (c.counts !== undefined && c.counts.length !== c.probTrue.length)) {
      throw new MetricsError('E_SHAPE_MISMATCH', `curves[${k}] ("${c.name}"): probTrue, probPred (and counts) need one value per bin.`);
    }
    (c.probPred as readonly number[]).forEach((probPred: number, i: number) => values.push({ probPred, probTrue: c.probTrue[i]!, count: c.counts?.[i] ?? 1, curve: c.name }));
  });
  const x = { field: 'probPred', type: 'quantitative', title: 'Mean predicted probability', scale: { domain: [0, 1] } } as const;
  const y = { field: 'probTrue', type: 'quantitative', title: 'Fraction of positives', scale: { domain: [0, 1] } } as const;
  const color = { field: 'curve', type: 'nominal', title: null, sort: curves.map((c) => c.name), legend: { labelLimit: 400 } } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? 'Reliability Diagram',
    width: options.width ?? 360,
    height: options.height ?? 360,
    layer: [
      {
        data: { values: [{ probPred: 0, probTrue: 0 }, { probPred: 1, probTrue: 1 }] },
        mark: { type: 'line', strokeDash: [4, 4], color: 'gray', strokeWidth: 1 },
        encoding: { x, y },
      },
      { data: { values }, mark: { type: 'line', point: false }, encoding: { x, y, color } },
      {
        data: { values },
        mark: { type: 'point', filled: true },
        encoding: { x, y, color, size: { field: 'count', type: 'quantitative', title: 'Samples', scale: { range: [20, 200] } } },
      },
    ],
  } as unknown as VegaLiteSpec;
}
