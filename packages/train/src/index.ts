export { fit } from './fit.js';
export type { FitOptions } from './fit.js';
export { evaluate } from './evaluate.js';
export type { EvaluateOptions, EvaluateResult } from './evaluate.js';
export { predict } from './predict.js';
export type { PredictOptions, PredictResult } from './predict.js';

export type { History, EpochLogs, BatchLogs } from './history.js';
export type { Callback, TrainContext } from './callbacks.js';
export type { BatchLike, DataInput } from './data-source.js';
export type { OptimizerSpec } from './optimizer.js';

export { bceWithLogits } from './losses/bce-with-logits.js';
export type { BceWithLogitsOptions } from './losses/bce-with-logits.js';
export { resolveLoss } from './losses/loss.js';
export type { LossFn, LossSpec, LossOptions } from './losses/loss.js';
export { countCorrect } from './accuracy.js';
