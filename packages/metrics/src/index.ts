// @cxr/metrics — sklearn-grade classification metrics on plain number arrays. Browser-safe, no tfjs.
export { MetricsError, type MetricsErrorCode } from './errors';
export type { NumberArray } from './validate';

export { thresholdPredictions, argmaxPredictions } from './predictions';
export { uniqueLabels } from './labels';
export { accuracyScore, type AccuracyOptions } from './accuracy';
export {
  confusionMatrix,
  normalizeMatrix,
  type ConfusionMatrixOptions,
  type ConfusionNormalize,
} from './confusion';
export { precisionScore, recallScore, f1Score, type BinaryScoreOptions } from './binary-scores';
export {
  precisionRecallFscoreSupport,
  classificationReport,
  type PrfsOptions,
  type PrfsAverage,
  type PrfsPerClass,
  type PrfsAveraged,
  type ClassificationReportOptions,
  type ClassificationReport,
  type ClassReport,
  type AverageReport,
} from './report';
export { rocCurvesOvr, type OvrRocCurves } from './roc-ovr';
export { rocCurve, rocAucScore, auc, type RocCurve, type RocCurveOptions, type RocAucOptions, type RocAucAverage } from './roc';
export {
  precisionRecallCurve,
  averagePrecision,
  type PrecisionRecallCurve,
  type PrecisionRecallCurveOptions,
  type AveragePrecisionOptions,
  type AveragePrecisionAverage,
} from './pr-curve';
export {
  calibrationCurve,
  expectedCalibrationError,
  brierScore,
  type CalibrationCurve,
  type CalibrationCurveOptions,
  type CalibrationStrategy,
  type ExpectedCalibrationErrorOptions,
  type BrierScoreOptions,
} from './calibration';
export { bootstrapCi, type BootstrapMetric, type BootstrapOptions, type BootstrapInterval } from './bootstrap';
export {
  topLosses,
  formatTopLosses,
  mostConfused,
  type TopLossRow,
  type TopLossesOptions,
  type FormatTopLossesOptions,
  type MostConfusedOptions,
} from './interpretation';
