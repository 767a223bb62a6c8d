// @cxr/metrics/plot — vega-lite specs as plain data. Browser-safe: render with vega-embed, or to
// files with @cxr/metrics/node.
export { VEGA_LITE_SCHEMA, type VegaLiteSpec, type PlotOptions } from './plot/spec';
export {
  trainingCurveSpec,
  lossCurveSpec,
  type TrainingHistory,
  type HistorySeries,
  type TrainingCurveOptions,
} from './plot/history';
export { confusionMatrixSpec, type ConfusionMatrixSpecOptions } from './plot/confusion-matrix';
export { rocCurveSpec, type NamedRocCurve, type RocCurveSpecOptions } from './plot/roc-curve';
export { prCurveSpec, type NamedPrCurve, type PrCurveSpecOptions } from './plot/pr-curve';
export { reliabilityDiagramSpec, type NamedCalibrationCurve } from './plot/reliability';
