import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import type { Callback, TrainContext } from './callbacks.js';
import type { EpochLogs } from './history.js';
import { setLearningRate } from './reduce-lr-on-plateau.js';

export interface OneCycleOptions {
  /** The peak learning rate (fastai's `lr_max`). */
  maxLr: number;
  /** Steps of the whole cycle. Default `epochs × stepsPerEpoch`, else fit's epochs × batches per epoch when the data says. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the steps spent warming up. Default 0.25 (fastai's `fit_one_cycle`). */
  pctStart?: number;
  /** Start lr = maxLr / divFactor. Default 25 (fastai `div`). */
  divFactor?: number;
  /** Final lr = maxLr / finalDivFactor, as fastai's `lr_max/div_final`. Default 1e5 (fastai `div_final`). */
  finalDivFactor?: number;
  /** Adam β1 (fastai `mom`) at the start, the peak-lr point and the end; `null` leaves β1 alone. Default [0.95, 0.85, 0.95]. */
  moms?: readonly [number, number, number] | null;
}

/** fastai `SchedCos(start, end)(pos)`. */
export const schedCos = (start: number, end: number, pos: number): number => start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;

/**
 * fastai `combined_cos(pct, start, middle, end)` at `pos` ∈ [0, 1]: cosine from start to middle over
 * [0, pct), then middle to end over [pct, 1] — `combine_scheds`' segment choice included.
 */
export function combinedCos(pct: number, start: number, middle: number, end: number, pos: number): number {
  const pcts = [0, pct, 1];
  let idx = 0;
  for (let i = 0; i < pcts.length; i++) if (pos >= (pcts[i] as number)) idx = i;
  idx = Math.min(idx, 1);
  const width = (pcts[idx + 1] as number) - (pcts[idx] as number);
  const actual = width === 0 ? 1 : (pos - (pcts[idx] as number)) / width;
  return idx === 0 ? schedCos(start, middle, actual) : schedCos(middle, end, actual);
}

export interface OneCycleValues {
  lr: number;
  /** Adam β1 (fastai `mom`), or undefined with `moms: null`. */
  mom?: number;
}

/**
 * The one-cycle values of step `step` (0-based) of `totalSteps`, as fastai's `ParamScheduler`
 * sets them before the batch: pos = step / totalSteps (so the last step is at (N−1)/N),
 * lr = combined_cos(pctStart, maxLr/div, maxLr, maxLr/divFinal), mom = combined_cos(pctStart, ...moms).
 * Steps past the end hold the final values.
 */
export function oneCycleAt(step: number, totalSteps: number, options: Omit<OneCycleOptions, 'totalSteps' | 'epochs' | 'stepsPerEpoch'>): OneCycleValues {
  const { maxLr, pctStart = 0.25, divFactor = 25, finalDivFactor = 1e5 } = options;
  const moms = options.moms === undefined ? ([0.95, 0.85, 0.95] as const) : options.moms;
  const pos = Math.min(1, Math.max(0, step / totalSteps));
  const lr = combinedCos(pctStart, maxLr / divFactor, maxLr, maxLr / finalDivFactor, pos);
  return moms ? { lr, mom: combinedCos(pctStart, moms[0], moms[1], moms[2], pos) } : { lr };
}

/** `oneCycle()`'s callback: the values it set, step by step, readable after `fit`. */
export interface OneCycle extends Callback {
  readonly lrs: readonly number[];
  readonly moms: readonly number[];
  readonly totalSteps: number | undefined;
}

/**
 * Set Adam's β1 in place, with PyTorch/fastai bias correction. tfjs' `AdamOptimizer` (and Adamax)
 * reads its `beta1` field on every `applyGradients` (as a JS number, `mul(m, this.beta1)`), so
 * assigning it is safe between steps. But tfjs divides the first moment by `1 − accBeta1`, where
 * `accBeta1` started as the constructor's β1 and is multiplied by the current β1 after each step,
 * i.e. the product of the β1s used; PyTorch's Adam and fastai's `adam_step` use `1 − β1ᵗ` with the
 * current β1. So `accBeta1` is also set to β1^(t) for the coming step t = iterations + 1, giving
 * exactly fastai's debiasing. Returns false when the optimizer has no numeric `beta1` (SGD, …).
 */
export function setAdamBeta1(optimizer: tf.Optimizer, beta1: number): boolean {
  const o = optimizer as unknown as { beta1?: unknown; accBeta1?: unknown; iterations?: number };
  if (typeof o.beta1 !== 'number') return false;
  o.beta1 = beta1;
  if (o.accBeta1 instanceof tf.Variable) {
    const t = (o.iterations ?? 0) + 1;
    const acc = o.accBeta1;
    tf.tidy(() => acc.assign(tf.scalar(beta1 ** t)));
  }
  return true;
}

/**
 * fastai's `fit_one_cycle` as a callback: before every training batch, the learning rate follows a
 * cosine from maxLr/divFactor up to maxLr over the first `pctStart` of the steps, then a cosine
 * down to maxLr/finalDivFactor (fastai's `lr_max/div_final`; PyTorch's OneCycleLR would end at
 * maxLr/(div·finalDiv)); Adam's β1 goes the other way, moms[0] → moms[1] → moms[2]
 * (see `setAdamBeta1`). Logs the lr (and `mom`) of each epoch's last step as `lr` / `mom` in the
 * epoch logs and History. The step counter runs from this callback's `onTrainBegin`: one `fit` is one cycle,
 * except that a `fit` resumed from a training checkpoint continues the cycle after the epochs in its history.
 */
export function oneCycle(options: OneCycleOptions): OneCycle {
  const { maxLr } = options;
  if (!(maxLr > 0) || !Number.isFinite(maxLr)) throw new CxrError('E_BAD_ARGUMENT', `oneCycle: maxLr must be a positive number, got ${maxLr}.`);
  const pctStart = options.pctStart ?? 0.25;
  if (!(pctStart >= 0 && pctStart <= 1)) throw new CxrError('E_BAD_ARGUMENT', `oneCycle: pctStart must be in [0, 1], got ${pctStart}.`);
  let fixedTotal = options.totalSteps;
  if (fixedTotal === undefined && options.epochs !== undefined && options.stepsPerEpoch !== undefined) fixedTotal = options.epochs * options.stepsPerEpoch;
  if (fixedTotal !== undefined && (!Number.isInteger(fixedTotal) || fixedTotal < 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `oneCycle: totalSteps must be a positive integer, got ${fixedTotal}.`);
  }
  let total = fixedTotal;
  let step = 0;
  let warned = false;
  let last: OneCycleValues | undefined;
  const lrs: number[] = [];
  const moms: number[] = [];

  const log = (logs: EpochLogs, ctx: TrainContext, name: string, value: number) => {
    logs[name] = value;
    const { history } = ctx;
    const series = (history.history[name] ??= []);
    while (series.length < history.epoch.length - 1) series.push(Number.NaN);
    if (series.length < history.epoch.length) series.push(value);
  };

  return {
    get lrs() {
      return lrs;
    },
    get moms() {
      return moms;
    },
    get totalSteps() {
      return total;
    },
    onTrainBegin(ctx) {
      step = 0;
      warned = false;
      last = undefined;
      lrs.length = 0;
      moms.length = 0;
      total = fixedTotal;
      if (total === undefined) {
        if (ctx.batchesPerEpoch === undefined) {
          throw new CxrError(
            'E_BAD_ARGUMENT',
            'oneCycle: the number of batches per epoch is unknown for this data; pass totalSteps (or epochs and stepsPerEpoch).',
          );
        }
        total = (ctx.epochs - (ctx.initialEpoch ?? 0) + ctx.history.epoch.length) * ctx.batchesPerEpoch;
      }
      // A run resumed from a training checkpoint arrives with its history: continue the cycle
      // where those epochs left it instead of starting a new one.
      const done = ctx.history.epoch.length;
      if (done > 0) {
        if (ctx.batchesPerEpoch === undefined) {
          throw new CxrError('E_BAD_ARGUMENT', 'oneCycle: cannot continue a resumed run whose number of batches per epoch is unknown.');
        }
        step = done * ctx.batchesPerEpoch;
      }
    },
    onBatchBegin(_batch, ctx) {
      const values = oneCycleAt(step, total as number, { ...options, pctStart });
      setLearningRate(ctx.optimizer, values.lr);
      if (values.mom !== undefined) {
        if (setAdamBeta1(ctx.optimizer, values.mom)) moms.push(values.mom);
        else if (!warned) {
          console.warn(`oneCycle: ${ctx.optimizer.getClassName()} has no beta1; only the learning rate is scheduled.`);
          warned = true;
        }
      }
      lrs.push(values.lr);
      last = values;
      step++;
    },
    onEpochEnd(_epoch, logs, ctx) {
      if (!last) return;
      log(logs, ctx, 'lr', last.lr);
      if (last.mom !== undefined && moms.length > 0) log(logs, ctx, 'mom', last.mom);
    },
  };
}
