import type * as tfl from '@tensorflow/tfjs-layers';

export interface SummaryRow {
  name: string;
  type: string;
  /** Keras style, e.g. "(None, 222, 222, 32)"; several outputs are joined by ", ". */
  outputShape: string;
  params: number;
}

export interface ModelSummary {
  name: string;
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

type Layer = tfl.LayersModel['layers'][number];
type Shape = tfl.Shape;

const formatShape = (shape: Shape): string =>
  `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;

function outputShapeOf(layer: Layer): string {
  try {
    const shape = layer.outputShape;
    return Array.isArray(shape[0]) ? (shape as Shape[]).map(formatShape).join(', ') : formatShape(shape as Shape);
  } catch {
    // A layer shared between nodes with different shapes has no single output shape.
    return 'multiple';
  }
}

const sizeOf = (weights: ReadonlyArray<{ shape: Shape }>): number =>
  weights.reduce((sum, w) => sum + w.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0);

/** The numbers behind `summary()`: one row per layer and the parameter totals. */
export function summarize(model: tfl.LayersModel): ModelSummary {
  const rows = model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: outputShapeOf(layer),
    params: layer.countParams(),
  }));
  const trainableParams = sizeOf(model.trainableWeights);
  const nonTrainableParams = sizeOf(model.nonTrainableWeights);
  return {
    name: model.name,
    rows,
    totalParams: trainableParams + nonTrainableParams,
    trainableParams,
    nonTrainableParams,
  };
}

const thousands = (n: number): string => n.toLocaleString('en-US');

/**
 * A Keras-like summary table as a string (columns widen to fit long names):
 *
 * ```
 * Model: "covid_xray_detection"
 * ___________________________________________________________________
 *  Layer (type)                 Output Shape              Param #
 * ===================================================================
 *  features.0 (Conv2D)          (None, 222, 222, 32)      896
 *  …
 * ===================================================================
 * Total params: 126,145
 * Trainable params: 126,145
 * Non-trainable params: 0
 * ___________________________________________________________________
 * ```
 */
export function summary(model: tfl.LayersModel): string {
  const s = summarize(model);
  const cells = s.rows.map((r) => [`${r.name} (${r.type})`, r.outputShape, thousands(r.params)] as const);
  const header = ['Layer (type)', 'Output Shape', 'Param #'] as const;
  const w0 = Math.max(28, header[0].length, ...cells.map((c) => c[0].length)) + 2;
  const w1 = Math.max(25, header[1].length, ...cells.map((c) => c[1].length)) + 2;
  const w2 = Math.max(10, header[2].length, ...cells.map((c) => c[2].length));
  const width = 1 + w0 + w1 + w2;
  const line = (c: readonly [string, string, string]) => ` ${c[0].padEnd(w0)}${c[1].padEnd(w1)}${c[2]}`.trimEnd();
  return [
    `Model: "${s.name}"`,
    '_'.repeat(width),
    line(header),
    '='.repeat(width),
    ...cells.map(line),
    '='.repeat(width),
    `Total params: ${thousands(s.totalParams)}`,
    `Trainable params: ${thousands(s.trainableParams)}`,
    `Non-trainable params: ${thousands(s.nonTrainableParams)}`,
    '_'.repeat(width),
  ].join('\n');
}
