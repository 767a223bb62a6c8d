import { MetricsError } from '../errors';
import { describe } from '../validate';
import { VEGA_LITE_SCHEMA, type PlotOptions, type VegaLiteSpec } from './spec';

/** Per-epoch values by name, e.g. `{ loss: [...], val_loss: [...], accuracy: [...] }`. */
export type HistorySeries = Readonly<Record<string, readonly number[]>>;

/**
 * A training history: either the series alone, or Keras/tfjs' `History` shape
 * `{ epoch: [0, 1, ...], history: { loss: [...] } }` (with plain numbers, not tensors).
 */
export type TrainingHistory = HistorySeries | { readonly epoch?: readonly number[]; readonly history: HistorySeries };

export interface TrainingCurveOptions extends PlotOptions {
  /** Which series to draw, in legend order. Default: all of them. */
  metrics?: readonly string[];
  /** Default `'Epochs'`. */
  xTitle?: string;
  /** Default `'Value'`. */
  yTitle?: string;
}

/**
 * One line per series over epochs. Epochs are numbered from 1 (like the article's
 * `plt.plot(range(1, 51), losses)`) unless the history carries its own `epoch` array, which is
 * drawn as given. Non-finite values (a NaN loss) are left out rather than breaking the spec's JSON.
 */
export function trainingCurveSpec(history: TrainingHistory, options: TrainingCurveOptions = {}): VegaLiteSpec {
  const { series, epoch } = unpack(history);
  const names = options.metrics ?? Object.keys(series);
  if (names.length === 0) {
    throw new MetricsError('E_BAD_ARGUMENT', 'the history has no series to plot: pass e.g. { loss: [0.7, 0.5, 0.4] }.');
  }
  const values: { epoch: number; series: string; value: number }[] = [];
  for (const name of names) {
    const ys = series[name];
    if (!Array.isArray(ys)) {
      throw new MetricsError(
        'E_BAD_ARGUMENT',
        `the history has no series "${name}" (it has: ${Object.keys(series).join(', ') || 'none'}).`,
      );
    }
    if (epoch !== undefined && ys.length > epoch.length) {
      throw new MetricsError(
        'E_SHAPE_MISMATCH',
        `series "${name}" has ${ys.length} values but epoch has ${epoch.length}: pass one epoch number per value.`,
      );
    }
    ys.forEach((value: unknown, i: number) => {
      if (typeof value === 'number' && Number.isFinite(value)) values.push({ epoch: epoch?.[i] ?? i + 1, series: name, value });
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? 'Training History by Epoch',
    width: options.width ?? 480,
    height: options.height ?? 240,
    data: { values },
    mark: { type: 'line', point: values.length <= 60 * names.length },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: options.xTitle ?? 'Epochs',
        axis: { tickMinStep: 1, format: 'd' },
        scale: { zero: false, nice: false },
      },
      y: { field: 'value', type: 'quantitative', title: options.yTitle ?? 'Value', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: [...names] },
    },
  };
}

/**
 * The loss curve: {@link trainingCurveSpec} of the series named `loss` or ending in `loss`
 * (`loss`, `val_loss`), titled like the article's 'Model Training Loss by Epoch'.
 */
export function lossCurveSpec(history: TrainingHistory, options: TrainingCurveOptions = {}): VegaLiteSpec {
  const metrics = options.metrics ?? Object.keys(unpack(history).series).filter((k) => /loss$/i.test(k));
  if (metrics.length === 0) {
    throw new MetricsError('E_BAD_ARGUMENT', 'the history has no loss series: pass { loss: [...] } or name them with options.metrics.');
  }
  return trainingCurveSpec(history, { title: 'Model Training Loss by Epoch', yTitle: 'Loss', ...options, metrics });
}

function unpack(history: TrainingHistory): { series: HistorySeries; epoch: readonly number[] | undefined } {
  if (history === null || typeof history !== 'object' || Array.isArray(history)) {
    throw new MetricsError('E_BAD_ARGUMENT', `history must be an object of per-epoch series, got ${describe(history)}.`);
  }
  const h = history as { epoch?: unknown; history?: unknown };
  if (h.history !== undefined && typeof h.history === 'object' && h.history !== null && !Array.isArray(h.history)) {
    const epoch = Array.isArray(h.epoch) ? (h.epoch as number[]) : undefined;
    return { series: h.history as HistorySeries, epoch };
  }
  return { series: history as HistorySeries, epoch: undefined };
}
