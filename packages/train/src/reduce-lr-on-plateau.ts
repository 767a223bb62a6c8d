import type * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import type { Callback, TrainContext } from './callbacks.js';
import type { EpochLogs } from './history.js';
import { isImprovement, monitorReader, resolveMode, type MonitorMode } from './monitor.js';

export interface ReduceLROnPlateauOptions {
  /** A logged metric (`val_loss`, `val_auc`, `accuracy`, …). Default 'val_loss'. */
  monitor?: string;
  /** New learning rate = old × factor; must be in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement after which the learning rate is reduced. Default 10. */
  patience?: number;
  /** 'auto' (default): max for names containing 'acc' or 'auc', else min. */
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting non-improving epochs again. Default 0. */
  cooldown?: number;
  /** Lower bound of the learning rate. Default 0. */
  minLr?: number;
  /** Print a line on every reduction, like Keras' verbose=1. Default false. */
  verbose?: boolean;
}

/** `reduceLROnPlateau()`'s callback, with its state readable after `fit`. */
export interface ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  /** Best value seen (±Infinity before any). */
  readonly best: number;
  /** Epochs (0-based) at whose end the learning rate was reduced, and to what. */
  readonly reductions: ReadonlyArray<{ epoch: number; from: number; to: number }>;
}

/** The learning rate of a tfjs optimizer (every built-in one keeps it in `learningRate`). */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  if (typeof lr !== 'number') {
    throw new CxrError('E_BAD_ARGUMENT', `reduceLROnPlateau: the optimizer ${optimizer.getClassName()} has no numeric learningRate.`);
  }
  return lr;
}

/**
 * Set the learning rate of a tfjs optimizer in place. SGD and Momentum cache `-lr` as a tensor,
 * which `setLearningRate` refreshes; the others (Adam, RMSProp, Adagrad, Adamax, Adadelta) read
 * the `learningRate` field on every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  getLearningRate(optimizer);
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/**
 * Keras' `tf.keras.callbacks.ReduceLROnPlateau`: when `monitor` has not improved by more than
 * `minDelta` for `patience` epochs, multiply the optimizer's learning rate by `factor` (not below
 * `minLr`), then wait `cooldown` epochs before counting again. Same bookkeeping as Keras 2/3:
 * during cooldown the wait counter stays 0; an improvement resets it; a reduction happens only
 * while the rate is above `minLr` (compared in float32, as Keras does).
 *
 * Like Keras it logs the learning rate the epoch trained with as `lr` in the epoch logs (callbacks
 * after it see it) and in `History.history.lr` (NaN-padded like any late metric). The change acts
 * on `ctx.optimizer`, the optimizer `fit` trains with — with your own optimizer instance the
 * reduced rate stays after `fit`, as it would on a Keras model's optimizer.
 */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau {
  const monitor = options.monitor ?? 'val_loss';
  const mode = resolveMode(monitor, options.mode, 'reduceLROnPlateau');
  const factor = options.factor ?? 0.1;
  const patience = options.patience ?? 10;
  const minDelta = Math.abs(options.minDelta ?? 1e-4);
  const cooldown = options.cooldown ?? 0;
  const minLr = options.minLr ?? 0;
  if (!(factor > 0 && factor < 1)) {
    // Keras: "ReduceLROnPlateau does not support a factor >= 1.0."
    throw new CxrError('E_BAD_ARGUMENT', `reduceLROnPlateau: factor must be in (0, 1), got ${factor}.`);
  }
  for (const [name, value] of [['patience', patience], ['cooldown', cooldown]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new CxrError('E_BAD_ARGUMENT', `reduceLROnPlateau: ${name} must be an integer ≥ 0, got ${value}.`);
  }
  if (!Number.isFinite(minDelta)) throw new CxrError('E_BAD_ARGUMENT', `reduceLROnPlateau: minDelta must be finite, got ${options.minDelta}.`);
  if (!(minLr >= 0) || !Number.isFinite(minLr)) throw new CxrError('E_BAD_ARGUMENT', `reduceLROnPlateau: minLr must be a number ≥ 0, got ${minLr}.`);

  const worst = mode === 'max' ? -Infinity : Infinity;
  let best = worst;
  let wait = 0;
  let cooldownCounter = 0;
  const reader = monitorReader(monitor, 'reduceLROnPlateau');
  const reductions: Array<{ epoch: number; from: number; to: number }> = [];

  const logLr = (logs: EpochLogs, ctx: TrainContext, lr: number) => {
    logs['lr'] = lr;
    const { history } = ctx;
    const series = (history.history['lr'] ??= []);
    // fit records the epoch before callbacks run: add `lr` to that record (NaN-padding earlier epochs).
    while (series.length < history.epoch.length - 1) series.push(Number.NaN);
    if (series.length < history.epoch.length) series.push(lr);
  };

  return {
    monitor,
    mode,
    get best() {
      return best;
    },
    get reductions() {
      return reductions;
    },
    onTrainBegin() {
      best = worst;
      wait = 0;
      cooldownCounter = 0;
      reader.reset();
      reductions.length = 0;
    },
    saveState() {
      return { kind: 'reduceLROnPlateau', numbers: { best, wait, cooldownCounter } };
    },
    restoreState(state) {
      if (state.kind !== 'reduceLROnPlateau') return;
      ({ best = worst, wait = 0, cooldownCounter = 0 } = state.numbers);
    },
    onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext) {
      const lr = getLearningRate(ctx.optimizer);
      logLr(logs, ctx, lr);
      const current = reader.read(logs);
      if (current === undefined) return;
      if (cooldownCounter > 0) {
        cooldownCounter--;
        wait = 0;
      }
      if (isImprovement(mode, current, best, minDelta)) {
        best = current;
        wait = 0;
        return;
      }
      if (cooldownCounter > 0) return;
      wait++;
      if (wait < patience) return;
      if (Math.fround(lr) > Math.fround(minLr)) {
        const next = Math.max(lr * factor, minLr);
        setLearningRate(ctx.optimizer, next);
        reductions.push({ epoch, from: lr, to: next });
        if (options.verbose) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${next}.`);
        cooldownCounter = cooldown;
        wait = 0;
      }
    },
  };
}
