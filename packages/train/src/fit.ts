import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng, CxrError, type OnProgress } from '@cxr/core';
import { splitFrozenStem, type FrozenStemSplit } from '@cxr/models';
import type { Callback, TrainContext } from './callbacks.js';
import { outputClasses, resolveClassWeights, sampleWeightsFor, type ClassWeightSpec } from './class-weight.js';
import { checkBatch, disposeBatch, toEpochSource, type BatchLike, type DataInput } from './data-source.js';
import { DropoutSeeder } from './dropout-seeds.js';
import { evaluateBatches, type EvaluateSetup } from './evaluate.js';
import { createHistory, recordEpoch, type EpochLogs, type History } from './history.js';
import { unknownClassError } from './labels.js';
import { resolveLoss, type LossFn, type LossSpec } from './losses/loss.js';
import { StreamingAuc } from './metrics/auc.js';
import { batchStatTensors, readBatchStats, statTensorList, type BatchStats, type BatchStatTensors } from './metrics/batch-stats.js';
import { resolveMetrics, type MetricName } from './metrics/metrics.js';
import { StreamingPrecisionRecall } from './metrics/precision-recall.js';
import { resolveOptimizer, type OptimizerSpec } from './optimizer.js';
import { deriveSeed, randomSeed, SeedStream } from './seeds.js';
import { allFinite, StepGuard } from './step-guard.js';
import { applyTrainingCheckpoint, checkCheckpointVersion, restoreCallbackStates, type TrainingCheckpoint } from './training-state.js';

export interface FitOptions {
  /** Train until this epoch (exclusive; epochs are 0-based). */
  epochs: number;
  /** Start at this epoch, e.g. to continue a run (default 0). Shuffles and dropout of epoch e do not depend on where the run started. */
  initialEpoch?: number;
  /** Samples per step when the data is a SampleDataset (default 32, as the article). */
  batchSize?: number;
  /**
   * Gradient accumulation: run each batch in slices of at most this many samples and apply their
   * summed (size-weighted) gradients once, so a large batch fits a small memory (the seed-000
   * article's batch 32 on wasm's 4 GB heap: `{ batchSize: 32, microBatchSize: 8 }`). The loss and
   * gradients equal the whole batch's up to float rounding, except that BatchNormalization
   * normalises each slice with its own statistics (as accumulation does in PyTorch). Default: no slicing.
   */
  microBatchSize?: number;
  /** Reshuffle a SampleDataset every epoch (default true, like `DataLoader(shuffle=True)`). */
  shuffle?: boolean;
  /** 'adam' (default) or 'sgd', created for this run and disposed after it; or your own tf.Optimizer, kept as it is (pass `model.optimizer` to use a compiled model's). */
  optimizer?: OptimizerSpec;
  /** For a named optimizer. Default 0.01, as the article. */
  learningRate?: number;
  /** Default 'bceWithLogits'; 'categoricalCrossentropy' for softmax models such as `lungClassifier` (int or one-hot labels). */
  loss?: LossSpec;
  /** `pos_weight` of BCE-with-logits (default 1). */
  posWeight?: number;
  /** Keras `label_smoothing` for the named losses: y·(1 − ε) + ε/K (categorical), y·(1 − ε) + ε/2 (BCE). Default 0. */
  labelSmoothing?: number;
  /**
   * Keras `class_weight`: `{ classIndex: weight }` (absent classes weigh 1), `'balanced'`
   * (sklearn n / (n_classes · count_c)) or `'maxOverCount'` (the seed-002 article's max / count),
   * the counts taken from the training labels (`SampleDataset.labels()`, else one pass). Applied
   * as per-sample weights to the training loss only, Σ wᵢ·ℓᵢ / n per batch (Keras); validation
   * loss is unweighted, as Keras'. A class index the model does not have is `E_BAD_ARGUMENT`.
   */
  classWeight?: ClassWeightSpec;
  /** Categorical cross-entropy (and AUC, predictions) on logits rather than softmax probabilities. Default false, as Keras. */
  fromLogits?: boolean;
  /**
   * Metrics besides the loss: default `['accuracy', 'auc']` for 'categoricalCrossentropy',
   * `['accuracy']` otherwise. `accuracy` is always logged; 'categoricalAccuracy' adds Keras'
   * `categorical_accuracy` name; 'auc' logs `auc` / `val_auc` (tf.keras.metrics.AUC's definition).
   */
  metrics?: MetricName[];
  /** Thresholds of the streaming AUC (default 200, as Keras). */
  aucThresholds?: number;
  /**
   * Applied to the images of every training batch, on the fly, before the step (never to
   * validation data). `seed` is derived from the run seed, the epoch and the step, so a run
   * repeats exactly. It must return a new tensor [n, h', w', c'] (fit disposes it) and leak nothing.
   */
  augment?: (images: tf.Tensor4D, seed: number) => tf.Tensor4D;
  /** Accuracy threshold on sigmoid(logit) for single-logit models (default 0.5). */
  threshold?: number;
  /** Evaluated after every epoch in inference mode: adds `val_loss` and `val_accuracy`. */
  validationData?: DataInput;
  /** Seeds shuffling and dropout. Drawn at random when omitted and reported in `History.seed`. */
  seed?: number;
  callbacks?: Callback[];
  /** Shorthand for a callback with only `onEpochEnd`; return `true` to stop. */
  onEpochEnd?: Callback['onEpochEnd'];
  /** Progress events: phase 'train' per step (running loss and accuracy), 'validate' per validation batch. */
  onProgress?: OnProgress;
  /** Abort between steps: `fit` rejects with `signal.reason`; the weights keep the last step. */
  signal?: AbortSignal;
  /**
   * Continue the run a training checkpoint was taken from (`loadTrainingCheckpoint(dir)` of
   * `@cxr/train/node`): weights, optimizer state, seed and history are restored and training
   * starts at the epoch after the checkpoint's (this replaces `initialEpoch` and `seed`). With the
   * same data and options the result is bit-identical, on the cpu backend, to a run never
   * stopped. A checkpoint of another model or optimizer is `E_CHECKPOINT_MISMATCH`; one whose
   * run already reached `epochs` restores the weights and trains no further.
   */
  resume?: TrainingCheckpoint;
}

interface StepResult {
  loss: number;
  correct: number;
  invalid: number;
  counts?: ArrayLike<number>;
  pr?: ArrayLike<number>;
  finite: boolean;
}

interface TapedSlice {
  value: tf.Scalar;
  grads: tf.NamedTensorMap;
  stats: BatchStatTensors | undefined;
  outputsShape: number[];
}

/** Forward and backward pass of one (micro-)batch in training mode; the caller disposes it all. */
function tapeSlice(
  model: tfl.LayersModel,
  variables: tf.Variable[],
  split: FrozenStemSplit | null,
  lossFn: LossFn,
  images: tf.Tensor4D,
  labels: BatchLike['labels'],
  setup: EvaluateSetup,
  auc: StreamingAuc | null,
  classWeights: tf.Tensor1D | null,
): TapedSlice {
  let stats: BatchStatTensors | undefined;
  let outputsShape: number[] = [];
  // A frozen stem (e.g. a frozen backbone) runs before the tape, so its activations are freed now
  // instead of being kept for a backward pass that never reaches them.
  const stem = split ? split.runStem(images, true) : [];
  try {
    const { value, grads } = tf.variableGrads(() => {
      const outputs = (split ? split.runRest(images, stem, true) : model.apply(images, { training: true })) as tf.Tensor;
      outputsShape = outputs.shape;
      const s = batchStatTensors(labels, outputs, setup.threshold, auc, setup.fromLogits, !!(setup.precision || setup.recall));
      stats = s;
      statTensorList(s).forEach((t) => tf.keep(t));
      if (!classWeights) return lossFn(labels, outputs);
      return lossFn(labels, outputs, sampleWeightsFor(labels, classWeights));
    }, variables);
    return { value, grads, stats, outputsShape };
  } finally {
    tf.dispose(stem);
  }
}

/** Sum of per-slice stats read from the device. */
function addStats(total: BatchStats | null, s: BatchStats): BatchStats {
  if (!total) return { correct: s.correct, invalid: s.invalid, ...(s.counts ? { counts: Float64Array.from(s.counts) } : {}), ...(s.pr ? { pr: Float64Array.from(s.pr) } : {}) };
  const add = (a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined) => {
    if (!a || !b) return;
    for (let i = 0; i < b.length; i++) (a as Float64Array)[i] = (a[i] as number) + (b[i] as number);
  };
  add(total.counts, s.counts);
  add(total.pr, s.pr);
  return { ...total, correct: total.correct + s.correct, invalid: total.invalid + s.invalid };
}

/**
 * One optimisation step in training mode (dropout active). Gradients are applied only when
 * the loss and every gradient are finite, so a diverging step never reaches the weights.
 *
 * With `microBatchSize` below the batch size the batch is cut into slices: each slice's
 * gradients are weighted by its share of the batch and summed, then applied once — gradient
 * accumulation, so a batch of 32 trains in the memory of 8. The loss is the batch mean either
 * way; only batch-dependent layers (BatchNormalization) see slice statistics, as in PyTorch.
 */
async function trainStep(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  split: FrozenStemSplit | null,
  lossFn: LossFn,
  images: tf.Tensor4D,
  batch: BatchLike,
  setup: EvaluateSetup,
  auc: StreamingAuc | null,
  classWeights: tf.Tensor1D | null,
  microBatchSize: number,
): Promise<StepResult> {
  const n = images.shape[0];
  const starts: number[] = [];
  for (let i = 0; i < n; i += Math.min(microBatchSize, n)) starts.push(i);
  let grads: tf.NamedTensorMap = {};
  let loss = 0;
  let stats: BatchStats | null = null;
  try {
    for (const start of starts) {
      const size = Math.min(microBatchSize, n - start);
      const whole = starts.length === 1;
      const sliceImages = whole ? images : (tf.slice(images, start, size) as tf.Tensor4D);
      const sliceLabels = whole ? batch.labels : (tf.slice(batch.labels, start, size) as BatchLike['labels']);
      let slice: TapedSlice | undefined;
      try {
        slice = tapeSlice(model, variables, split, lossFn, sliceImages, sliceLabels, setup, auc, classWeights);
        const [l, s] = await Promise.all([slice.value.data(), readBatchStats(slice.stats as BatchStatTensors)]);
        if (s.invalid > 0) throw unknownClassError('fit', s.invalid, slice.outputsShape);
        const share = size / n;
        loss += (l[0] as number) * share;
        stats = addStats(stats, s);
        if (whole) {
          grads = slice.grads;
          slice.grads = {};
        } else {
          const previous = grads;
          const current = slice.grads;
          grads = tf.tidy(() =>
            Object.fromEntries(
              Object.entries(current).map(([name, g]) => {
                const weighted = tf.mul(g, share);
                const before = previous[name];
                return [name, before ? tf.add(before, weighted) : weighted];
              }),
            ),
          );
          tf.dispose(Object.values(previous));
        }
      } finally {
        if (!whole) tf.dispose([sliceImages, sliceLabels]);
        if (slice) tf.dispose([slice.value, ...statTensorList(slice.stats), ...Object.values(slice.grads)]);
      }
    }
    // Σ of all gradients is finite iff every gradient is (barring float overflow, itself a divergence).
    const gradSum = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(g))));
    const g = await gradSum.data();
    gradSum.dispose();
    const s = stats as BatchStats;
    const finite = Number.isFinite(loss) && Number.isFinite(g[0]);
    if (finite) optimizer.applyGradients(grads);
    return { loss, correct: s.correct, invalid: s.invalid, ...(s.counts ? { counts: s.counts } : {}), ...(s.pr ? { pr: s.pr } : {}), finite };
  } finally {
    tf.dispose(Object.values(grads));
  }
}

/** Run the `augment` hook on a batch's images, checking what it returns. */
function augmentImages(augment: FitOptions['augment'], images: tf.Tensor4D, seed: number, where: string): tf.Tensor4D {
  if (!augment) return images;
  const out = augment(images, seed);
  if (!(out instanceof tf.Tensor) || out.rank !== 4 || out.shape[0] !== images.shape[0]) {
    if (out instanceof tf.Tensor && out !== images) out.dispose();
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `${where}: augment must return images [n, h, w, c] for a batch of ${images.shape[0]}, got [${out instanceof tf.Tensor ? out.shape : typeof out}].`,
    );
  }
  return out;
}

function checkOptions(options: FitOptions): void {
  const { epochs, initialEpoch = 0, batchSize = 32, threshold = 0.5, resume } = options;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new CxrError('E_BAD_ARGUMENT', `fit: epochs must be a positive integer, got ${epochs}.`);
  }
  if (resume) {
    checkCheckpointVersion(resume, 'fit: resume');
    if (options.seed !== undefined && options.seed !== resume.seed) {
      throw new CxrError('E_BAD_ARGUMENT', `fit: seed ${options.seed} differs from the resumed run's seed ${resume.seed}; leave seed out when resuming.`);
    }
  } else if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
    throw new CxrError('E_BAD_ARGUMENT', `fit: initialEpoch must be an integer in [0, epochs), got ${initialEpoch}.`);
  }
  const { microBatchSize } = options;
  if (microBatchSize !== undefined && (!Number.isInteger(microBatchSize) || microBatchSize < 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `fit: microBatchSize must be a positive integer, got ${microBatchSize}.`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new CxrError('E_BAD_ARGUMENT', `fit: batchSize must be a positive integer, got ${batchSize}.`);
  }
  if (!(threshold > 0 && threshold < 1)) {
    throw new CxrError('E_BAD_ARGUMENT', `fit: threshold must be in (0, 1), got ${threshold}.`);
  }
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Train `model` on `trainData` the way the seed-000 article does: per epoch, mini-batch
 * steps (Adam, lr 0.01, BCE-with-logits by default) in training mode, the epoch loss being
 * the mean of the mini-batch losses; then, with `validationData`, loss and accuracy in
 * inference mode. Returns the History. Leak-free; every batch is disposed after its step.
 *
 * Stops with `CxrError` `E_NOT_FINITE` when a step's loss, gradients or updated weights are not
 * finite, naming the epoch and batch; the step is undone, so the weights (BatchNorm statistics
 * included) and the optimizer state are those of the last good step. With `resume` it continues
 * a run from a training checkpoint (see `FitOptions.resume`).
 */
export async function fit(model: tfl.LayersModel, trainData: DataInput, options: FitOptions): Promise<History> {
  checkOptions(options);
  const { epochs, batchSize = 32, threshold = 0.5, onProgress, signal, resume } = options;
  const microBatchSize = options.microBatchSize ?? Number.POSITIVE_INFINITY;
  const initialEpoch = resume ? Math.min(resume.epoch + 1, epochs) : (options.initialEpoch ?? 0);
  const seed = resume?.seed ?? options.seed ?? randomSeed();
  const train = toEpochSource(trainData, { batchSize, shuffle: options.shuffle ?? true, seed });
  const validation = options.validationData
    ? toEpochSource(options.validationData, { batchSize, shuffle: false, seed })
    : null;
  const lossFn = resolveLoss(options.loss, {
    ...(options.posWeight !== undefined ? { posWeight: options.posWeight } : {}),
    ...(options.fromLogits !== undefined ? { fromLogits: options.fromLogits } : {}),
    ...(options.labelSmoothing !== undefined ? { labelSmoothing: options.labelSmoothing } : {}),
  });
  const classWeightTable = await resolveClassWeights(
    options.classWeight,
    trainData,
    outputClasses((model.outputs[0]?.shape ?? []) as (number | null)[]),
  );
  const metrics = resolveMetrics(options.metrics, options.loss);
  const setup: EvaluateSetup = {
    lossFn,
    threshold,
    fromLogits: options.fromLogits ?? false,
    aucThresholds: metrics.auc ? (options.aucThresholds ?? 200) : null,
    precision: metrics.precision,
    recall: metrics.recall,
  };
  const trainAuc = setup.aucThresholds === null ? null : new StreamingAuc(setup.aucThresholds);
  const trainPr = metrics.precision || metrics.recall ? new StreamingPrecisionRecall() : null;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  if (variables.length === 0) {
    throw new CxrError('E_BAD_ARGUMENT', 'fit: the model has no trainable weights (all layers frozen?).');
  }
  // Fixed for the run, like `variables`: the trainable flags are read once, here.
  const split = splitFrozenStem(model);
  const { optimizer, owned } = resolveOptimizer(options.optimizer, options.learningRate ?? 0.01);
  const classWeights = classWeightTable ? tf.tensor1d(classWeightTable, 'float32') : null;
  const callbacks: Callback[] = [...(options.callbacks ?? []), ...(options.onEpochEnd ? [{ onEpochEnd: options.onEpochEnd }] : [])];
  const history = resume ? structuredClone(resume.history) : createHistory(seed);
  let stopRequested = false;
  const ctx: TrainContext = {
    model,
    optimizer,
    history,
    epochs,
    initialEpoch,
    batchesPerEpoch: train.batchesPerEpoch,
    stop: () => void (stopRequested = true),
    callbacks,
  };
  const dropout = new DropoutSeeder(model);

  try {
    if (resume) applyTrainingCheckpoint(resume, model, optimizer, variables);
    for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
    if (resume) restoreCallbackStates(resume, ctx);
    for (let epoch = initialEpoch; epoch < epochs && !stopRequested; epoch++) {
      signal?.throwIfAborted();
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
      const dropoutRng = createRng(deriveSeed(seed, SeedStream.dropout, epoch));
      let steps = 0;
      let seen = 0;
      let lossSum = 0;
      let correct = 0;
      const augmentSeed = deriveSeed(seed, SeedStream.augment, epoch);
      trainAuc?.reset();
      trainPr?.reset();
      const started = now();
      for await (const batch of train.batches(epoch)) {
        let images: tf.Tensor4D | undefined;
        try {
          signal?.throwIfAborted();
          const size = checkBatch(batch, 'fit', model);
          for (const cb of callbacks) await cb.onBatchBegin?.(steps, ctx);
          dropout.reseed(dropoutRng);
          images = augmentImages(options.augment, batch.images, deriveSeed(augmentSeed, SeedStream.augment, steps), 'fit');
          // NaN/Inf guard: a step whose loss, gradients or resulting weights are not finite is undone.
          const guard = new StepGuard(model, optimizer);
          let step: StepResult;
          let weightsOk = true;
          try {
            step = await trainStep(model, optimizer, variables, split, lossFn, images, batch, setup, trainAuc, classWeights, microBatchSize);
            weightsOk = !step.finite || (await allFinite(guard.changed()));
          } catch (error) {
            guard.restore();
            throw error;
          }
          if (!step.finite || !weightsOk) {
            guard.restore();
            throw new CxrError(
              'E_NOT_FINITE',
              `Training diverged at epoch ${epoch}, batch ${steps}: ` +
                (!weightsOk
                  ? `the loss (${step.loss}) and gradients are finite but the update made a weight non-finite (learning rate too high?). `
                  : `the loss is ${step.loss}${Number.isFinite(step.loss) ? ' but a gradient is not finite' : ''}. `) +
                'The weights are those of the last good step. Lower the learning rate or check the inputs for NaN/Infinity.',
            );
          }
          guard.discard();
          steps++;
          seen += size;
          lossSum += step.loss;
          correct += step.correct;
          if (trainAuc && step.counts) trainAuc.add(step.counts);
          if (trainPr && step.pr) trainPr.add(step.pr);
          onProgress?.({
            phase: 'train',
            current: steps,
            ...(train.batchesPerEpoch !== undefined ? { total: train.batchesPerEpoch } : {}),
            values: { epoch: epoch + 1, loss: lossSum / steps, accuracy: correct / seen, ...(trainAuc ? { auc: trainAuc.result() } : {}) },
            message: `epoch ${epoch + 1}/${epochs}`,
          });
          for (const cb of callbacks) await cb.onBatchEnd?.(steps - 1, { loss: step.loss, accuracy: step.correct / size, size }, ctx);
        } finally {
          if (images && images !== batch?.images) images.dispose();
          disposeBatch(batch);
        }
      }
      const seconds = (now() - started) / 1000;
      if (steps === 0) {
        throw new CxrError(
          'E_BAD_ARGUMENT',
          `fit: the training data yielded no batches in epoch ${epoch}. Pass a re-iterable dataset, not a one-shot generator.`,
        );
      }
      // The article's epoch loss: np.mean of the mini-batch losses.
      const logs: EpochLogs = { loss: lossSum / steps, accuracy: correct / seen };
      if (metrics.categoricalAccuracy) logs['categorical_accuracy'] = logs.accuracy;
      if (trainAuc) logs['auc'] = trainAuc.result();
      if (trainPr && metrics.precision) logs['precision'] = trainPr.precision();
      if (trainPr && metrics.recall) logs['recall'] = trainPr.recall();
      if (validation) {
        signal?.throwIfAborted();
        const val = await evaluateBatches(model, validation.batches(epoch), setup, {
          phase: 'validate',
          total: validation.batchesPerEpoch,
          onProgress,
          signal,
        });
        logs['val_loss'] = val.loss;
        logs['val_accuracy'] = val.accuracy;
        if (metrics.categoricalAccuracy) logs['val_categorical_accuracy'] = val.accuracy;
        if (val.auc !== undefined) logs['val_auc'] = val.auc;
        if (val.precision !== undefined) logs['val_precision'] = val.precision;
        if (val.recall !== undefined) logs['val_recall'] = val.recall;
      }
      recordEpoch(history, epoch, logs, seconds, seen);
      for (const cb of callbacks) {
        if ((await cb.onEpochEnd?.(epoch, logs, ctx)) === true) stopRequested = true;
      }
      if (stopRequested && epoch < epochs - 1) history.stoppedEarly = true;
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(history, ctx);
    return history;
  } catch (error) {
    for (const cb of callbacks) {
      try {
        await cb.onTrainFailure?.(error, ctx);
      } catch {
        // The original error is the one to report.
      }
    }
    throw error;
  } finally {
    dropout.restore();
    classWeights?.dispose();
    if (owned) optimizer.dispose();
  }
}
