import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { selectBackend, type BackendName, type OnProgress } from '@cxr/core';
import { confusionMatrix, formatTopLosses, mostConfused, topLosses, type TopLossRow } from '@cxr/metrics';
import { confusionMatrixSpec, trainingCurveSpec } from '@cxr/metrics/plot';
import { writePlot } from '@cxr/metrics/node';
import { createBackbone, fastaiHead, freezeBody, transferModel, unfreezeAll } from '@cxr/models';
import { saveModel } from '@cxr/models/node';
import { denormalize, normalizeImagenet } from '@cxr/preprocess';
import { writeImageGrid, writeTopLossesGrid } from '@cxr/preprocess/node';
import { fineTune, lrFind, lrFinderSpec, predict, type History } from '@cxr/train';
import { exportToFolders } from '@cxr/data/node';
import { loadSeed001Data } from './datasets.js';
import { ARTICLE_DEFAULTS, type Seed001Options } from './options.js';

export interface Seed001Files {
  metrics: string;
  batch: string;
  lrFinder: string;
  loss: string;
  confusion: string;
  topLosses: string;
  topLossesTable: string;
  leakage: string;
  folders: string;
  model: string;
}

export interface Seed001Result {
  backend: string;
  data: string;
  classes: string[];
  summary: string[];
  sizes: { all: number; train: number; valid: number };
  lrFinder: { valley: number | null; minimum: number | null; steep: number | null; stoppedBy: string };
  learningRate: number;
  valid: { accuracy: number; precision: number; recall: number };
  confusionMatrix: number[][];
  mostConfused: [string, string, number][];
  topLosses: TopLossRow[];
  history: { frozen: History | null; unfrozen: History };
  parameters: number;
  caveat: string;
  files: Seed001Files;
  options: Seed001Options;
}

export interface RunHooks {
  onProgress?: OnProgress;
  log?: (line: string) => void;
}

const CAVEAT =
  'A few dozen images from a few dozen patients, labels confounded with source publication: these numbers show the ' +
  'pipeline works, they are not evidence that anything detects COVID-19. Not for clinical use.';

export async function runSeed001(partial: Partial<Seed001Options> = {}, hooks: RunHooks = {}): Promise<Seed001Result> {
  const options: Seed001Options = { ...ARTICLE_DEFAULTS, ...partial };
  const log = hooks.log ?? (() => {});
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const files: Seed001Files = {
    metrics: join(out, 'metrics.json'),
    batch: join(out, 'batch.png'),
    lrFinder: join(out, 'lr-finder.png'),
    loss: join(out, 'loss.png'),
    confusion: join(out, 'confusion.png'),
    topLosses: join(out, 'top-losses.png'),
    topLossesTable: join(out, 'top-losses.txt'),
    leakage: join(out, 'leakage.json'),
    folders: join(out, 'folders'),
    model: join(out, 'model'),
  };
  const backend = await selectBackend(options.backend ? { backend: options.backend as BackendName | 'auto' } : {});
  log(`backend: ${backend.name} (${backend.reason})`);

  // Data: metadata.csv → X-ray PA → COVID-19 vs other → class folders (as the article) → split by patient.
  const data = await loadSeed001Data({ ...options, out });
  const classes = [...data.all.classes];
  for (const line of data.summary) log(line);
  log(CAVEAT);
  await exportToFolders(data.all, files.folders, { overwrite: true });
  await writeFile(files.leakage, JSON.stringify(data.leakage, null, 2) + '\n');

  // .normalize(imagenet_stats), show_batch
  const train = data.train.map((image) => normalizeImagenet(image)).cache();
  const valid = data.valid.map((image) => normalizeImagenet(image)).cache();
  for await (const batch of train.shuffle(options.seed).batch(Math.min(9, train.size))) {
    const shown = tf.tidy(() => tf.clipByValue(denormalize(batch.images), 0, 1) as tf.Tensor4D);
    const labels = Array.from(await batch.labels.data());
    await writeImageGrid(files.batch, shown, { titles: labels.map((l) => classes[l] ?? String(l)), columns: 3, cellSize: 160 });
    tf.dispose([shown, batch.images, batch.labels]);
    break;
  }

  // cnn_learner(data, models.resnet50, metrics=[precision, recall])
  const model = transferModel({
    backbone: createBackbone('resnet50', { inputShape: [options.imageSize, options.imageSize, 3], seed: options.seed }),
    head: fastaiHead({ numClasses: classes.length, seed: options.seed }),
  });
  log(`model: ResNet50 body + fastai head, ${model.countParams().toLocaleString('en')} parameters (no ImageNet weights can be downloaded here: the body starts from random weights)`);

  // lr_find() on the frozen model, weights restored afterwards.
  freezeBody(model);
  const finder = await lrFind(model, train, {
    numIt: options.lrFindIterations,
    batchSize: options.batchSize,
    loss: 'categoricalCrossentropy',
    seed: options.seed,
    onProgress: hooks.onProgress,
  });
  const suggestion = finder.suggestions.valley?.lr ?? null;
  await writePlot(lrFinderSpec(finder) as never, files.lrFinder);
  log(`lr finder: valley ${suggestion?.toExponential(2) ?? '—'}, minimum ${finder.suggestions.minimum?.lr.toExponential(2) ?? '—'}, steep ${finder.suggestions.steep?.lr.toExponential(2) ?? '—'} (${finder.stoppedBy})`);
  const baseLr = options.learningRate === 'auto' ? (suggestion ?? ARTICLE_DEFAULTS.learningRate as number) : options.learningRate;

  // fine_tune: fit_one_cycle frozen, unfreeze, fit_one_cycle.
  const tuned = await fineTune(model, train, {
    epochs: options.epochs,
    freezeEpochs: options.freezeEpochs,
    baseLr,
    batchSize: options.batchSize,
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy', 'precision', 'recall'],
    validationData: valid,
    seed: options.seed,
    freeze: (m) => void freezeBody(m),
    unfreeze: (m) => void unfreezeAll(m),
    onProgress: hooks.onProgress,
    onEpochEnd: (epoch, logs) => log(`epoch ${epoch}: ` + Object.entries(logs).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')),
  });

  // ClassificationInterpretation: confusion matrix, top losses, most confused.
  const predicted = await predict(model, valid);
  const probabilities = predicted.probabilities ?? [];
  const matrix = confusionMatrix(predicted.labels, predicted.predictions, { numClasses: classes.length });
  const confused = mostConfused(predicted.labels, predicted.predictions, { classes }) as [string, string, number][];
  const losses = topLosses({ probabilities, yTrue: predicted.labels, files: predicted.files, classes, k: Math.min(9, predicted.labels.length) });
  await writeFile(files.topLossesTable, formatTopLosses(losses) + '\n');
  await writePlot(confusionMatrixSpec(matrix, { labels: classes, title: 'Confusion matrix (validation, by patient)' }), files.confusion);
  await writePlot(trainingCurveSpec(tuned.unfrozen, { metrics: ['loss', 'val_loss'], title: 'Loss after unfreezing', yTitle: 'Loss' }), files.loss);
  // plot_top_losses: the images in loss order, largest first.
  const wanted = new Set(losses.map((row) => row.index));
  const byIndex = new Map<number, tf.Tensor3D>();
  let index = 0;
  for await (const sample of valid) {
    if (wanted.has(index)) byIndex.set(index, tf.tidy(() => tf.clipByValue(denormalize(sample.image), 0, 1) as tf.Tensor3D));
    index++;
    sample.image.dispose();
  }
  if (byIndex.size) {
    const grid = tf.stack(losses.map((row) => byIndex.get(row.index)!)) as tf.Tensor4D;
    await writeTopLossesGrid(files.topLosses, grid, losses, { classes, columns: 3, cellSize: 240 });
    tf.dispose([grid, ...byIndex.values()]);
  }
  await saveModel(model, files.model);

  const last = (h: History, k: string) => h.history[k]?.at(-1) ?? Number.NaN;
  const result: Seed001Result = {
    backend: backend.name,
    data: data.source,
    classes,
    summary: data.summary,
    sizes: { all: data.all.size, train: train.size, valid: valid.size },
    lrFinder: {
      valley: finder.suggestions.valley?.lr ?? null,
      minimum: finder.suggestions.minimum?.lr ?? null,
      steep: finder.suggestions.steep?.lr ?? null,
      stoppedBy: finder.stoppedBy,
    },
    learningRate: baseLr,
    valid: {
      accuracy: last(tuned.unfrozen, 'val_accuracy'),
      precision: last(tuned.unfrozen, 'val_precision'),
      recall: last(tuned.unfrozen, 'val_recall'),
    },
    confusionMatrix: matrix,
    mostConfused: confused,
    topLosses: losses,
    history: { frozen: tuned.frozen, unfrozen: tuned.unfrozen },
    parameters: model.countParams(),
    caveat: CAVEAT,
    files,
    options,
  };
  await writeFile(files.metrics, JSON.stringify(result, null, 2) + '\n');
  model.dispose();
  return result;
}
