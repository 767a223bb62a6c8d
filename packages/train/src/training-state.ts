import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import type { CallbackState, TrainContext } from './callbacks.js';
import type { History } from './history.js';
import { setLearningRate } from './reduce-lr-on-plateau.js';

/** Bumped whenever the layout of a training checkpoint changes; older versions are refused, not guessed at. */
export const TRAINING_CHECKPOINT_VERSION = 1;
export const TRAINING_CHECKPOINT_FORMAT = 'cxr-training-checkpoint';

/** One tensor as plain data, so a checkpoint holds no tfjs memory and needs no dispose. */
export interface TensorRecord {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * Every own field of a built-in tfjs optimizer (as `snapshotOptimizer` sees it): numbers
 * (learningRate, betas, `iterations_`, …), tf.Variables (Adam's accBeta1/accBeta2, kept as they
 * are rather than recomputed, so a resumed run is bit-identical) and slot arrays (moments,
 * accumulators; index i belongs to the i-th trainable weight).
 */
export interface OptimizerState {
  className: string;
  numbers: Record<string, number>;
  variables: Record<string, TensorRecord>;
  slots: Record<string, Array<TensorRecord | null>>;
}

/**
 * All a run needs to continue as if never stopped: weights (trainable and not, e.g. BatchNorm
 * statistics), optimizer state, the last completed epoch, the run seed and the history so far.
 * The run's random state is the seed plus the epoch: shuffles, dropout masks and augmentation of
 * epoch e are derived from (seed, e) (see `deriveSeed`), so nothing else has to be stored.
 */
export interface TrainingCheckpoint {
  format: typeof TRAINING_CHECKPOINT_FORMAT;
  version: number;
  /** Last completed epoch (0-based); a resumed run starts at `epoch + 1`. */
  epoch: number;
  /** The run seed (`History.seed`). */
  seed: number;
  history: History;
  weights: TensorRecord[];
  optimizer: OptimizerState;
  /** `saveState()` of each of the run's callbacks, by position (null: a callback without state). */
  callbacks: Array<CallbackState | null>;
  /** ISO time of the save. */
  savedAt: string;
}

interface SlotVariable {
  originalName: string;
  variable: tf.Variable;
}

const isSlotArray = (v: unknown): v is Array<SlotVariable | undefined | null> =>
  Array.isArray(v) &&
  v.some((e) => e != null) &&
  v.every((e) => e == null || (typeof e === 'object' && (e as SlotVariable).variable instanceof tf.Variable));

async function record(name: string, tensor: tf.Tensor): Promise<TensorRecord> {
  const dtype = tensor.dtype;
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new CxrError('E_BAD_ARGUMENT', `Training checkpoint: tensor ${name} has dtype ${dtype}; only float32, int32 and bool are stored.`);
  }
  const data = (await tensor.data()) as Float32Array | Int32Array | Uint8Array;
  // A copy: backends may hand out their own buffer.
  return { name, shape: [...tensor.shape], dtype, values: data.slice() };
}

const toTensor = (r: TensorRecord): tf.Tensor => tf.tensor(r.values, r.shape, r.dtype);

/** Read the optimizer's whole state (see `OptimizerState`). */
export async function captureOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const o = optimizer as unknown as Record<string, unknown>;
  const state: OptimizerState = { className: optimizer.getClassName(), numbers: {}, variables: {}, slots: {} };
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (typeof v === 'number') state.numbers[key] = v;
    else if (v instanceof tf.Variable) state.variables[key] = await record(key, v);
    else if (isSlotArray(v)) {
      state.slots[key] = await Promise.all(v.map((e) => (e ? record(e.originalName, e.variable) : Promise.resolve(null))));
    }
  }
  return state;
}

/** Weights of the model in `model.weights` order, with their names. */
export async function captureWeights(model: tfl.LayersModel): Promise<TensorRecord[]> {
  return Promise.all(model.weights.map((w) => record(w.name, w.read())));
}

/** A tensor as a `TensorRecord` (a copy of its data). */
export const tensorRecord = record;

/** The state after epoch `epoch` of the run `ctx` describes, as plain data. */
export async function captureTrainingState(ctx: TrainContext, epoch: number): Promise<TrainingCheckpoint> {
  return {
    format: TRAINING_CHECKPOINT_FORMAT,
    version: TRAINING_CHECKPOINT_VERSION,
    epoch,
    seed: ctx.history.seed,
    history: structuredClone(ctx.history),
    weights: await captureWeights(ctx.model),
    optimizer: await captureOptimizerState(ctx.optimizer),
    callbacks: await Promise.all((ctx.callbacks ?? []).map(async (cb) => (cb.saveState ? structuredClone(await cb.saveState()) : null))),
    savedAt: new Date().toISOString(),
  };
}

/**
 * tfjs numbers layers it names itself from a process-wide counter (`dense_Dense3`), so the same
 * architecture built in another process can get other numbers: compare names without them.
 */
const structuralName = (name: string): string => name.replace(/\d+(?=\/|$)/g, '');

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

const mismatch = (message: string): CxrError =>
  new CxrError('E_CHECKPOINT_MISMATCH', `${message} Resume with the model (and optimizer) the checkpoint was written by.`);

/** Refuse a checkpoint of another format or version. */
export function checkCheckpointVersion(cp: Pick<TrainingCheckpoint, 'format' | 'version'>, where: string): void {
  if (cp.format !== TRAINING_CHECKPOINT_FORMAT) {
    throw new CxrError('E_CHECKPOINT_CORRUPT', `${where}: not a cxr training checkpoint (format "${String(cp.format)}").`);
  }
  if (cp.version !== TRAINING_CHECKPOINT_VERSION) {
    throw new CxrError(
      'E_CHECKPOINT_VERSION',
      `${where}: checkpoint format version ${cp.version}, this cxr reads version ${TRAINING_CHECKPOINT_VERSION}. Resume it with the cxr version that wrote it.`,
    );
  }
}

function checkWeights(model: tfl.LayersModel, weights: readonly TensorRecord[]): void {
  const own = model.weights;
  if (own.length !== weights.length) {
    throw mismatch(`The checkpoint holds ${weights.length} weights, the model has ${own.length}.`);
  }
  own.forEach((w, i) => {
    const saved = weights[i] as TensorRecord;
    if (structuralName(w.name) !== structuralName(saved.name) || !sameShape(w.shape as number[], saved.shape)) {
      throw mismatch(`Weight ${i} is ${saved.name} [${saved.shape}] in the checkpoint but ${w.name} [${w.shape}] in the model.`);
    }
  });
}

function checkOptimizer(optimizer: tf.Optimizer, state: OptimizerState, variables: readonly tf.Variable[]): void {
  if (optimizer.getClassName() !== state.className) {
    throw mismatch(`The checkpoint holds ${state.className} state but the run uses ${optimizer.getClassName()}.`);
  }
  const o = optimizer as unknown as Record<string, unknown>;
  for (const [key, saved] of Object.entries(state.variables)) {
    const current = o[key];
    if (!(current instanceof tf.Variable) || !sameShape(current.shape, saved.shape)) {
      throw mismatch(`Optimizer field ${key} does not fit the checkpoint's [${saved.shape}].`);
    }
  }
  for (const [key, saved] of Object.entries(state.slots)) {
    if (saved.length > variables.length) {
      throw mismatch(`Optimizer slots ${key} cover ${saved.length} weights; the model trains ${variables.length}.`);
    }
    saved.forEach((s, i) => {
      if (s && !sameShape(s.shape, (variables[i] as tf.Variable).shape)) {
        throw mismatch(`Optimizer slot ${key}[${i}] is [${s.shape}] but trainable weight ${i} is [${(variables[i] as tf.Variable).shape}].`);
      }
    });
  }
}

function restoreOptimizer(optimizer: tf.Optimizer, state: OptimizerState): void {
  const o = optimizer as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(state.numbers)) o[key] = value;
  for (const [key, saved] of Object.entries(state.variables)) {
    const t = toTensor(saved);
    (o[key] as tf.Variable).assign(t);
    t.dispose();
  }
  for (const [key, saved] of Object.entries(state.slots)) {
    const current = (Array.isArray(o[key]) ? o[key] : (o[key] = [])) as Array<SlotVariable | undefined>;
    saved.forEach((s, i) => {
      if (!s) return;
      const t = toTensor(s);
      const slot = current[i];
      if (slot) slot.variable.assign(t);
      // Slot variables are created untrainable by the tfjs optimizers too.
      else current[i] = { originalName: s.name, variable: tf.variable(t, false) };
      t.dispose();
    });
  }
  const lr = state.numbers['learningRate'];
  // Refreshes SGD's cached −lr tensor.
  if (lr !== undefined) setLearningRate(optimizer, lr);
}

/**
 * Check that `cp` fits `model`, `optimizer` and the trainable `variables` (names without tfjs'
 * counters, shapes, optimizer class; `E_CHECKPOINT_MISMATCH`), then put its weights and optimizer
 * state in place. Nothing is changed when a check fails.
 */
export function applyTrainingCheckpoint(
  cp: TrainingCheckpoint,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  variables: readonly tf.Variable[],
): void {
  checkCheckpointVersion(cp, 'resume');
  checkWeights(model, cp.weights);
  checkOptimizer(optimizer, cp.optimizer, variables);
  model.weights.forEach((w, i) => {
    const t = toTensor(cp.weights[i] as TensorRecord);
    w.write(t);
    t.dispose();
  });
  restoreOptimizer(optimizer, cp.optimizer);
}

/** Hand each callback of a resumed run the state its counterpart saved at the same position (each checks the kind). */
export function restoreCallbackStates(cp: TrainingCheckpoint, ctx: TrainContext): void {
  (ctx.callbacks ?? []).forEach((cb, i) => {
    const state = cp.callbacks?.[i];
    if (cb.restoreState && state) cb.restoreState(state, ctx);
  });
}

/** Rebuild tensors saved in a callback state (the caller owns them). */
export const recordTensor = (r: TensorRecord): tf.Tensor => tf.tensor(r.values, r.shape, r.dtype);
