import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { freeze as freezeLayers, unfreeze as unfreezeLayers } from '@cxr/models';
import type { DataInput } from './data-source.js';
import { fit, type FitOptions } from './fit.js';
import type { History } from './history.js';
import { oneCycle, type OneCycle } from './one-cycle.js';
import { deriveSeed, randomSeed } from './seeds.js';

export interface FineTuneOptions extends Omit<FitOptions, 'epochs' | 'initialEpoch' | 'learningRate' | 'optimizer'> {
  /** Epochs of the unfrozen phase. */
  epochs: number;
  /** Epochs of the frozen (head only) phase. Default 1. 0 skips it. */
  freezeEpochs?: number;
  /** Peak lr of the frozen phase; the unfrozen phase peaks at baseLr / 2. Default 2e-3. */
  baseLr?: number;
  /** pctStart of the unfrozen phase's one-cycle. Default 0.3 (the frozen phase uses 0.99, as fastai). */
  pctStart?: number;
  /** divFactor of the unfrozen phase's one-cycle. Default 5 (the frozen phase uses 25, as fastai). */
  div?: number;
  /** finalDivFactor of both cycles. Default 1e5. */
  divFinal?: number;
  /** Adam β1 cycle of both phases. Default [0.95, 0.85, 0.95]. */
  moms?: readonly [number, number, number];
  /** Batches per epoch, needed only when the data does not say (not a SampleDataset, array, or iterable with a numeric `size`). */
  stepsPerEpoch?: number;
  /** Freeze the body, leaving the head trainable. Default: `freeze(model, { to: -1 })` from @cxr/models (all layers but the last). */
  freeze?: (model: tfl.LayersModel) => void;
  /** Make every layer trainable. Default: `unfreeze(model)` from @cxr/models. */
  unfreeze?: (model: tfl.LayersModel) => void;
}

export interface FineTuneResult {
  /** History of the frozen phase (null with freezeEpochs 0). */
  frozen: History | null;
  unfrozen: History;
  /** The peak learning rates used: [frozen phase, unfrozen phase]. */
  lrs: [number, number];
  /** The one-cycle callbacks of both phases (per-step lrs and moms). */
  schedules: { frozen: OneCycle | null; unfrozen: OneCycle };
}

/**
 * fastai 2.x `Learner.fine_tune(epochs, base_lr=2e-3, freeze_epochs=1, pct_start=0.3, div=5)`:
 * `freeze()`; `fit_one_cycle(freeze_epochs, base_lr, pct_start=0.99)`; `base_lr /= 2`;
 * `unfreeze()`; `fit_one_cycle(epochs, slice(base_lr/lr_mult, base_lr), pct_start, div=div)`.
 * Each phase gets a fresh Adam (fastai clears the optimizer state on freeze/unfreeze).
 *
 * Simplification: **no discriminative learning rates**. fastai's `slice(base_lr/100, base_lr)`
 * spreads the rates geometrically over layer groups; here one optimizer trains every unfrozen
 * layer at the slice's upper end, base_lr/2 (the head's rate in fastai), so the body moves faster
 * than under fastai. Pass a smaller `baseLr` to be gentler on pretrained weights.
 */
export async function fineTune(model: tfl.LayersModel, data: DataInput, options: FineTuneOptions): Promise<FineTuneResult> {
  const {
    epochs,
    freezeEpochs = 1,
    baseLr = 2e-3,
    pctStart = 0.3,
    div = 5,
    divFinal = 1e5,
    moms = [0.95, 0.85, 0.95] as const,
    freeze = (m: tfl.LayersModel) => void freezeLayers(m, { to: -1 }),
    unfreeze = (m: tfl.LayersModel) => void unfreezeLayers(m),
    callbacks = [],
    stepsPerEpoch,
    ...fitOptions
  } = options;
  if (!Number.isInteger(freezeEpochs) || freezeEpochs < 0) {
    throw new CxrError('E_BAD_ARGUMENT', `fineTune: freezeEpochs must be an integer ≥ 0, got ${freezeEpochs}.`);
  }
  if (!(baseLr > 0)) throw new CxrError('E_BAD_ARGUMENT', `fineTune: baseLr must be positive, got ${baseLr}.`);
  const seed = options.seed ?? randomSeed();
  const steps = (e: number) => (stepsPerEpoch !== undefined ? { epochs: e, stepsPerEpoch } : {});
  let frozen: History | null = null;
  let frozenCycle: OneCycle | null = null;
  if (freezeEpochs > 0) {
    freeze(model);
    frozenCycle = oneCycle({ maxLr: baseLr, pctStart: 0.99, divFactor: 25, finalDivFactor: divFinal, moms, ...steps(freezeEpochs) });
    frozen = await fit(model, data, {
      ...fitOptions,
      epochs: freezeEpochs,
      optimizer: 'adam',
      learningRate: baseLr,
      seed: deriveSeed(seed, 0x46, 0),
      callbacks: [frozenCycle, ...callbacks],
    });
  }
  const lr = baseLr / 2;
  unfreeze(model);
  const unfrozenCycle = oneCycle({ maxLr: lr, pctStart, divFactor: div, finalDivFactor: divFinal, moms, ...steps(epochs) });
  const unfrozen = await fit(model, data, {
    ...fitOptions,
    epochs,
    optimizer: 'adam',
    learningRate: lr,
    seed: deriveSeed(seed, 0x46, 1),
    callbacks: [unfrozenCycle, ...callbacks],
  });
  return { frozen, unfrozen, lrs: [baseLr, lr], schedules: { frozen: frozenCycle, unfrozen: unfrozenCycle } };
}
