export { fit } from './fit.js';
export type { FitOptions } from './fit.js';
export { evaluate } from './evaluate.js';
export type { EvaluateOptions, EvaluateResult } from './evaluate.js';
export { predict } from './predict.js';
export type { PredictOptions, PredictResult } from './predict.js';

export type { History, EpochLogs, BatchLogs } from './history.js';
export type { Callback, TrainContext } from './callbacks.js';
export { earlyStopping } from './early-stopping.js';
export type { EarlyStopping, EarlyStoppingOptions } from './early-stopping.js';
export { resolveMode } from './monitor.js';
export type { MonitorMode } from './monitor.js';
export type { BatchLike, DataInput } from './data-source.js';
export type { Labels } from './labels.js';
export type { OptimizerSpec } from './optimizer.js';

export { bceWithLogits } from './losses/bce-with-logits.js';
export type { BceWithLogitsOptions } from './losses/bce-with-logits.js';
export { categoricalCrossentropy, KERAS_EPSILON } from './losses/categorical-crossentropy.js';
export type { CategoricalCrossentropyOptions } from './losses/categorical-crossentropy.js';
export { resolveLoss } from './losses/loss.js';
export type { LossFn, LossSpec, LossOptions } from './losses/loss.js';
export { StreamingAuc, kerasThresholds } from './metrics/auc.js';
export type { MetricName } from './metrics/metrics.js';
export { countCorrect } from './accuracy.js';
export { reduceLROnPlateau, getLearningRate, setLearningRate } from './reduce-lr-on-plateau.js';
export type { ReduceLROnPlateau, ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
