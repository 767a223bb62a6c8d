import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError, type OnProgress } from '@cxr/core';
import type { Callback } from './callbacks.js';
import type { DataInput } from './data-source.js';
import { fit, type FitOptions } from './fit.js';
import type { LossSpec } from './losses/loss.js';
import { resolveOptimizer, type OptimizerSpec } from './optimizer.js';
import { snapshotOptimizer } from './optimizer-state.js';
import { setLearningRate } from './reduce-lr-on-plateau.js';

export interface LrFindOptions {
  /** First learning rate of the sweep. Default 1e-7 (fastai). */
  startLr?: number;
  /** The rate the sweep heads for (reached at step numIt). Default 10. */
  endLr?: number;
  /** Steps of the sweep (at least 6, as fastai); the data is iterated again as often as needed. Default 100. */
  numIt?: number;
  /** Stop once the smoothed loss exceeds 4× the best smoothed loss. Default true. */
  stopDiv?: boolean;
  /** Smoothing of the loss (fastai's AvgSmoothLoss). Default 0.98. */
  beta?: number;
  loss?: LossSpec;
  posWeight?: number;
  fromLogits?: boolean;
  /** Samples per step for a SampleDataset. Default 32. */
  batchSize?: number;
  /** 'adam' (default, created for the sweep) or your own optimizer: its state is restored afterwards. */
  optimizer?: OptimizerSpec;
  /** Seeds shuffling and dropout. */
  seed?: number;
  augment?: FitOptions['augment'];
  /** Phase 'lr_find' per step: values { lr, loss (smoothed) }. */
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

export interface LrSuggestion {
  /** The suggested learning rate. */
  lr: number;
  /** Where fastai marks it on the plot: (lr, loss). For `minimum` that is the minimum itself (lr = suggestion × 10). */
  point: { lr: number; loss: number };
}

export interface LrSuggestions {
  valley: LrSuggestion | null;
  minimum: LrSuggestion | null;
  steep: LrSuggestion | null;
}

export interface LrFindResult {
  /** The learning rate of each step. */
  lrs: number[];
  /** The smoothed (bias-corrected) loss after each step. */
  losses: number[];
  /** The raw batch losses. */
  rawLosses: number[];
  /** fastai 2.x suggestions on `lrs[numIt//10 : -5]` (cut at the first NaN); null when too few points. */
  suggestions: LrSuggestions;
  /** Why the sweep ended: all numIt steps, the smoothed loss diverging (> 4× best), or a non-finite loss/gradient. */
  stoppedBy: 'numIt' | 'divergence' | 'nonFinite';
  numIt: number;
}

/**
 * fastai 2.x `valley` (the default suggestion of `Learner.lr_find`, from ESRI): the longest
 * strictly decreasing run of losses found by the longest-decreasing-subsequence DP (`lds[i]` =
 * length of the longest decreasing subsequence ending at i); `max_end` is the first index with
 * the greatest `lds`, updated inside the inner loop exactly as fastai does, and
 * `max_start = max_end - lds[max_end]`; the suggestion is at
 * `max_start + int(sections) + int(sections / 2)` with `sections = (max_end - max_start) / 3`,
 * i.e. about half-way into the valley (fastai's docs say "roughly 2/3"; this is their code).
 */
export function valley(lrs: readonly number[], losses: readonly number[]): LrSuggestion | null {
  const n = losses.length;
  if (n === 0) return null;
  let maxStart = 0;
  let maxEnd = 0;
  const lds = Array<number>(n).fill(1);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if ((losses[i] as number) < (losses[j] as number) && (lds[i] as number) < (lds[j] as number) + 1) lds[i] = (lds[j] as number) + 1;
      if ((lds[maxEnd] as number) < (lds[i] as number)) {
        maxEnd = i;
        maxStart = maxEnd - (lds[maxEnd] as number);
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
  return { lr: lrs[idx] as number, point: { lr: lrs[idx] as number, loss: losses[idx] as number } };
}

const argmin = (xs: readonly number[]): number => xs.reduce((best, x, i) => (x < (xs[best] as number) ? i : best), 0);

/** fastai 2.x `minimum`: a tenth of the learning rate at the lowest loss. */
export function minimum(lrs: readonly number[], losses: readonly number[]): LrSuggestion | null {
  if (losses.length === 0) return null;
  const i = argmin(losses);
  const lrMin = lrs[i] as number;
  return { lr: lrMin / 10, point: { lr: lrMin, loss: losses[i] as number } };
}

/**
 * fastai 2.x `steep`: the learning rate where the loss falls fastest against log(lr), from forward
 * differences `(losses[1:] - losses[:-1]) / (log lrs[1:] - log lrs[:-1])`; the lr is the left
 * point of the steepest segment. (fastai v1 used `np.gradient(losses)` over the index instead.)
 */
export function steep(lrs: readonly number[], losses: readonly number[]): LrSuggestion | null {
  if (losses.length < 2) return null;
  const grads = losses.slice(1).map((l, i) => (l - (losses[i] as number)) / (Math.log(lrs[i + 1] as number) - Math.log(lrs[i] as number)));
  const i = argmin(grads);
  return { lr: lrs[i] as number, point: { lr: lrs[i] as number, loss: losses[i] as number } };
}

/**
 * The three suggestions as `Learner.lr_find` computes them: on `lrs[numIt//10 : -5]` and the same
 * slice of the smoothed losses (Python slicing: the first tenth of the planned sweep and the last
 * five recorded points are skipped), cut at the first NaN loss.
 */
export function lrSuggestions(lrs: readonly number[], losses: readonly number[], numIt: number): LrSuggestions {
  const start = Math.floor(numIt / 10);
  const end = Math.max(0, losses.length - 5);
  let l = losses.slice(start, end);
  let r = lrs.slice(start, end);
  const nan = l.findIndex((x) => Number.isNaN(x));
  if (nan >= 0) {
    l = l.slice(0, nan);
    r = r.slice(0, nan);
  }
  return { valley: valley(r, l), minimum: minimum(r, l), steep: steep(r, l) };
}

class StopSweep extends Error {}

/**
 * fastai 2.x `Learner.lr_find` (the `LRFinder` callback): train with an exponentially growing
 * learning rate `lr_k = startLr · (endLr/startLr)^(k/numIt)` for steps k = 0 … numIt−1 (the data is
 * iterated again as needed; the epochs are only passes over it), record the loss smoothed as
 * fastai's `AvgSmoothLoss` (avg = β·avg + (1−β)·loss, reported as avg / (1 − β^count)), and stop
 * when the smoothed loss exceeds 4× the best one (`stopDiv`; that step is still recorded, as in
 * fastai) or after numIt steps. A step whose loss or gradients are not finite ends the sweep too
 * (it is not applied nor recorded; fastai would record NaN and cut the suggestions there).
 * Afterwards every model weight (non-trainable ones too: BatchNorm statistics) is set back to its
 * value before the sweep, bit for bit, and so is the optimizer's state when it is yours.
 */
export async function lrFind(model: tfl.LayersModel, data: DataInput, options: LrFindOptions = {}): Promise<LrFindResult> {
  const { startLr = 1e-7, endLr = 10, stopDiv = true, beta = 0.98 } = options;
  const numIt = Math.max(6, options.numIt ?? 100);
  if (!(startLr > 0) || !(endLr > startLr) || !Number.isFinite(endLr)) {
    throw new CxrError('E_BAD_ARGUMENT', `lrFind: need 0 < startLr < endLr, got ${startLr} and ${endLr}.`);
  }
  if (!Number.isInteger(numIt)) throw new CxrError('E_BAD_ARGUMENT', `lrFind: numIt must be an integer, got ${options.numIt}.`);
  if (!(beta >= 0 && beta < 1)) throw new CxrError('E_BAD_ARGUMENT', `lrFind: beta must be in [0, 1), got ${beta}.`);

  const { optimizer, owned } = resolveOptimizer(options.optimizer ?? 'adam', startLr);
  const restoreOptimizer = owned ? null : snapshotOptimizer(optimizer);
  const weights = tf.tidy(() => model.getWeights().map((w) => w.clone()));
  const lrs: number[] = [];
  const losses: number[] = [];
  const rawLosses: number[] = [];
  let stoppedBy: LrFindResult['stoppedBy'] = 'numIt';
  let iter = 0;
  let avg = 0;
  let best = Infinity;
  const scheduler: Callback = {
    onBatchBegin(_batch, ctx) {
      setLearningRate(ctx.optimizer, startLr * (endLr / startLr) ** (iter / numIt));
    },
    onBatchEnd(_batch, logs) {
      const lr = startLr * (endLr / startLr) ** (iter / numIt);
      iter++;
      avg = beta * avg + (1 - beta) * logs.loss;
      const smooth = avg / (1 - beta ** iter);
      lrs.push(lr);
      losses.push(smooth);
      rawLosses.push(logs.loss);
      options.onProgress?.({ phase: 'lr_find', current: iter, total: numIt, values: { lr, loss: smooth } });
      if (smooth < best) best = smooth;
      if (stopDiv && smooth > 4 * best) {
        stoppedBy = 'divergence';
        throw new StopSweep();
      }
      if (iter >= numIt) throw new StopSweep();
    },
  };
  try {
    await fit(model, data, {
      // Each pass yields at least one batch, so numIt passes always suffice; the sweep stops itself.
      epochs: numIt,
      optimizer,
      metrics: ['accuracy'],
      callbacks: [scheduler],
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.loss !== undefined ? { loss: options.loss } : {}),
      ...(options.posWeight !== undefined ? { posWeight: options.posWeight } : {}),
      ...(options.fromLogits !== undefined ? { fromLogits: options.fromLogits } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.augment ? { augment: options.augment } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof CxrError && error.code === 'E_NOT_FINITE') stoppedBy = 'nonFinite';
    else if (!(error instanceof StopSweep)) throw error;
  } finally {
    model.setWeights(weights);
    tf.dispose(weights);
    restoreOptimizer?.();
    if (owned) optimizer.dispose();
  }
  return { lrs, losses, rawLosses, suggestions: lrSuggestions(lrs, losses, numIt), stoppedBy, numIt };
}

export interface LrFinderSpecOptions {
  title?: string;
  width?: number;
  height?: number;
  /** Points left off the end, as fastai's `plot_lr_find(skip_end=5)`. Default 5. */
  skipEnd?: number;
  /** Which suggestions to mark. Default all available. */
  mark?: ReadonlyArray<keyof LrSuggestions>;
}

/**
 * A vega-lite (v6) spec of the sweep, as fastai's `plot_lr_find`: smoothed loss against the
 * learning rate on a log x axis (the last `skipEnd` points left off), the suggestions marked as
 * coloured points at fastai's positions. Plain JSON: render with `@cxr/metrics/node`
 * (`writeSpec` / `renderSpec`) or vega-embed.
 */
export function lrFinderSpec(result: Pick<LrFindResult, 'lrs' | 'losses' | 'suggestions'>, options: LrFinderSpecOptions = {}): Record<string, unknown> {
  const skip = options.skipEnd ?? 5;
  const n = Math.max(0, result.lrs.length - skip);
  const curve = result.lrs.slice(0, n).map((lr, i) => ({ lr, loss: result.losses[i] as number }));
  const names = options.mark ?? (['valley', 'minimum', 'steep'] as const);
  const marks = names.flatMap((name) => {
    const s = result.suggestions[name];
    return s ? [{ suggestion: name, lr: s.point.lr, loss: s.point.loss, suggested: s.lr }] : [];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: options.width ?? 400,
    height: options.height ?? 260,
    layer: [
      {
        data: { values: curve },
        mark: { type: 'line', color: '#1f77b4' },
        encoding: {
          x: { field: 'lr', type: 'quantitative', scale: { type: 'log' }, title: 'Learning Rate', axis: { format: '.0e' } },
          y: { field: 'loss', type: 'quantitative', scale: { zero: false }, title: 'Loss' },
        },
      },
      {
        data: { values: marks },
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          x: { field: 'lr', type: 'quantitative', scale: { type: 'log' } },
          y: { field: 'loss', type: 'quantitative' },
          color: { field: 'suggestion', type: 'nominal', title: 'Suggestion', scale: { range: ['#ff7f0e', '#d62728', '#2ca02c'] } },
          tooltip: [
            { field: 'suggestion', type: 'nominal' },
            { field: 'suggested', type: 'quantitative', title: 'suggested lr', format: '.2e' },
            { field: 'loss', type: 'quantitative', format: '.4f' },
          ],
        },
      },
    ],
  };
}
