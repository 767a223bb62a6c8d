import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import type { Callback, TrainContext } from './callbacks.js';
import type { EpochLogs } from './history.js';
import { isImprovement, monitorReader, resolveMode, type MonitorMode } from './monitor.js';
import { recordTensor, tensorRecord } from './training-state.js';

export interface EarlyStoppingOptions {
  /** A logged metric (`val_loss`, `val_auc`, `accuracy`, …). Default 'val_loss'. */
  monitor?: string;
  /** 'auto' (default): max for names containing 'acc' or 'auc', else min. */
  mode?: MonitorMode;
  /** Epochs without improvement after which training stops. Default 0. */
  patience?: number;
  /** Smallest change that counts as an improvement (absolute value used). Default 0. */
  minDelta?: number;
  /** The patience counter only resets when the metric also beats this value. */
  baseline?: number;
  /** At the end of training (stopped early or not), set the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
}

/** `earlyStopping()`'s callback, with its state readable after `fit`. */
export interface EarlyStopping extends Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  /** Best value seen (±Infinity before any). */
  readonly best: number;
  /** Epoch of the best value (−1 before any). */
  readonly bestEpoch: number;
  /** Epoch after which training was stopped, or −1. */
  readonly stoppedEpoch: number;
}

/**
 * Keras' `tf.keras.callbacks.EarlyStopping`: stop when `monitor` has not improved by more than
 * `minDelta` for `patience` epochs (never after the first epoch of a run). Same bookkeeping as
 * Keras: the wait counter grows every epoch and resets on an improvement that also beats
 * `baseline`; the first epoch's weights are the fallback "best" when nothing ever improves.
 *
 * `restoreBestWeights` follows Keras 3: the best epoch's weights are set in `onTrainEnd`,
 * whether training stopped early or ran all epochs (Keras 2 restored only when stopping).
 * The snapshot is a copy of every weight, disposed after training (or when training fails,
 * in which case nothing is restored). A missing metric is skipped with a warning, as Keras does.
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  const monitor = options.monitor ?? 'val_loss';
  const mode = resolveMode(monitor, options.mode, 'earlyStopping');
  const patience = options.patience ?? 0;
  const minDelta = Math.abs(options.minDelta ?? 0);
  const { baseline, restoreBestWeights = false } = options;
  if (!Number.isInteger(patience) || patience < 0) {
    throw new CxrError('E_BAD_ARGUMENT', `earlyStopping: patience must be an integer ≥ 0, got ${patience}.`);
  }
  if (!Number.isFinite(minDelta)) throw new CxrError('E_BAD_ARGUMENT', `earlyStopping: minDelta must be finite, got ${options.minDelta}.`);

  const worst = mode === 'max' ? -Infinity : Infinity;
  let wait = 0;
  let best = worst;
  let bestEpoch = -1;
  let stoppedEpoch = -1;
  let snapshot: tf.Tensor[] | null = null;
  const reader = monitorReader(monitor, 'earlyStopping');

  const release = () => {
    if (snapshot) tf.dispose(snapshot);
    snapshot = null;
  };
  const takeSnapshot = (ctx: TrainContext) => {
    release();
    snapshot = tf.tidy(() => ctx.model.getWeights().map((w) => w.clone()));
  };

  return {
    monitor,
    mode,
    get best() {
      return best;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    onTrainBegin() {
      wait = 0;
      best = worst;
      bestEpoch = -1;
      stoppedEpoch = -1;
      reader.reset();
      release();
    },
    onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext) {
      const current = reader.read(logs);
      if (current === undefined) return;
      if (restoreBestWeights && snapshot === null) {
        // If nothing ever improves, the first epoch's weights are the best (Keras).
        takeSnapshot(ctx);
        bestEpoch = epoch;
      }
      wait++;
      if (isImprovement(mode, current, best, minDelta)) {
        best = current;
        bestEpoch = epoch;
        if (restoreBestWeights) takeSnapshot(ctx);
        // Only restart the wait if we beat both the baseline and our previous best.
        if (baseline === undefined || isImprovement(mode, current, baseline, minDelta)) wait = 0;
        return;
      }
      if (wait >= patience && epoch > 0) {
        stoppedEpoch = epoch;
        ctx.stop();
      }
    },
    onTrainEnd(_history, ctx: TrainContext) {
      if (restoreBestWeights && snapshot) ctx.model.setWeights(snapshot);
      release();
    },
    onTrainFailure() {
      release();
    },
    async saveState() {
      return {
        kind: 'earlyStopping',
        numbers: { wait, best, bestEpoch, stoppedEpoch },
        ...(snapshot ? { tensors: await Promise.all(snapshot.map((t, i) => tensorRecord(`best/${i}`, t))) } : {}),
      };
    },
    restoreState(state) {
      if (state.kind !== 'earlyStopping') return;
      ({ wait = 0, best = worst, bestEpoch = -1, stoppedEpoch = -1 } = state.numbers);
      release();
      if (state.tensors) snapshot = state.tensors.map(recordTensor);
    },
  };
}
