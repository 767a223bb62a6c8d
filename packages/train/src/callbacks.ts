import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BatchLogs, EpochLogs, History } from './history.js';
import type { TensorRecord } from './training-state.js';

type Awaitable<T> = T | Promise<T>;

/** What callbacks see of the run in progress. */
export interface TrainContext {
  readonly model: tfl.LayersModel;
  readonly optimizer: tf.Optimizer;
  /** Epochs recorded so far (the same object `fit` returns). */
  readonly history: History;
  /** The `epochs` the run was asked for. */
  readonly epochs: number;
  /** The epoch the run started at (`FitOptions.initialEpoch`, default 0). */
  readonly initialEpoch?: number;
  /** Batches per epoch when the data says (a SampleDataset, an array, an iterable with a numeric `size`). */
  readonly batchesPerEpoch?: number | undefined;
  /** Ask the loop to stop after the current epoch (EarlyStopping, a UI "stop" button, …). */
  stop(): void;
  /** The run's callbacks in order (what a training checkpoint asks for `saveState`). */
  readonly callbacks?: readonly Callback[];
}

/** What a callback carries across a resume: numbers (±Infinity and NaN allowed) and tensors as plain data. */
export interface CallbackState {
  /** Which callback wrote it (e.g. 'earlyStopping'); state of another kind is not restored. */
  kind: string;
  numbers: Record<string, number>;
  tensors?: TensorRecord[];
}

/**
 * Hooks into `fit`, called in the order given and awaited. Return `true` from `onEpochEnd`
 * (strictly `true`) or call `ctx.stop()` to end training after this epoch; `fit` then resolves
 * normally with `stoppedEarly: true`.
 */
export interface Callback {
  onTrainBegin?(ctx: TrainContext): Awaitable<void>;
  onEpochBegin?(epoch: number, ctx: TrainContext): Awaitable<void>;
  /** Before each training step (after the batch is checked), e.g. to set the learning rate per batch (one-cycle, lr finder). */
  onBatchBegin?(batch: number, ctx: TrainContext): Awaitable<void>;
  onBatchEnd?(batch: number, logs: BatchLogs, ctx: TrainContext): Awaitable<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainContext): Awaitable<void | boolean>;
  /** After the last epoch or an early stop; not called when training fails or is aborted. */
  onTrainEnd?(history: History, ctx: TrainContext): Awaitable<void>;
  /** When `fit` throws (divergence, abort, bad data) instead of `onTrainEnd`: release what the callback holds. */
  onTrainFailure?(error: unknown, ctx: TrainContext): Awaitable<void>;
  /** Its state at the end of an epoch, stored in a training checkpoint so that a resumed run goes on the same way. */
  saveState?(): Awaitable<CallbackState>;
  /** In a resumed `fit`, after `onTrainBegin`: take back what `saveState` returned in the checkpointed run. */
  restoreState?(state: CallbackState, ctx: TrainContext): void;
}
