import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { selectBackend, type BackendName, type OnProgress } from '@cxr/core';
import { classificationReport, confusionMatrix, rocAucScore, rocCurvesOvr, type ClassificationReport } from '@cxr/metrics';
import { confusionMatrixSpec, rocCurveSpec, trainingCurveSpec } from '@cxr/metrics/plot';
import { writePlot } from '@cxr/metrics/node';
import { lungClassifier, summary } from '@cxr/models';
import { loadModel, saveModel } from '@cxr/models/node';
import { randomAugment } from '@cxr/preprocess';
import { earlyStopping, evaluate, fit, predict, type Callback, type History } from '@cxr/train';
import { modelCheckpoint } from '@cxr/train/node';
import { loadSeed004Data } from './datasets.js';
import { ARTICLE_DEFAULTS, type Seed004Options } from './options.js';

export interface Seed004Result {
  backend: string;
  backendReason: string;
  data: string;
  classes: string[];
  sizes: { train: number; validation: number; test: number };
  /** model.evaluate(x_test, y_test): loss, categorical accuracy, AUC as tf.keras.metrics.AUC. */
  test: { loss: number; accuracy: number; auc: number };
  /** Exact one-vs-rest ROC AUC (sklearn roc_auc_score, macro) on the test set. */
  rocAucMacro: number;
  report: ClassificationReport;
  confusionMatrix: number[][];
  history: History;
  /** Largest |difference| between predictions of the trained and the re-loaded exported model. */
  reloadMaxAbsDiff: number;
  imagesPerSecond: { train: number };
  parameters: number;
  warnings: string[];
  files: Record<'metrics' | 'report' | 'loss' | 'accuracy' | 'auc' | 'roc' | 'confusion' | 'checkpoint' | 'model', string>;
  options: Seed004Options;
}

export interface RunHooks {
  onProgress?: OnProgress;
  log?: (line: string) => void;
}

/** The article end to end: flow_from_directory + augmentation → LungClassifier → Adam + CCE with accuracy/AUC → report. */
export async function runSeed004(partial: Partial<Seed004Options> = {}, hooks: RunHooks = {}): Promise<Seed004Result> {
  const options: Seed004Options = { ...ARTICLE_DEFAULTS, ...partial };
  const log = hooks.log ?? (() => {});
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const files = {
    metrics: join(out, 'metrics.json'),
    report: join(out, 'report.txt'),
    loss: join(out, 'loss.png'),
    accuracy: join(out, 'accuracy.png'),
    auc: join(out, 'auc.png'),
    roc: join(out, 'roc.png'),
    confusion: join(out, 'confusion.png'),
    checkpoint: join(out, 'model_checkpoints'),
    model: join(out, 'model'),
  };

  const backend = await selectBackend(options.backend ? { backend: options.backend as BackendName | 'auto' } : {});
  log(`backend: ${backend.name} (${backend.reason})`);
  const data = await loadSeed004Data(options);
  const classes = [...data.train.classes];
  log(`data: ${data.source}; classes ${classes.map((c, i) => `${i}=${c}`).join(', ')}; ` +
    `${data.train.size} training, ${data.validation.size} validation, ${data.test.size} test images`);
  for (const warning of data.warnings) log(`warning: ${warning}`);

  const model = lungClassifier({ inputShape: [options.imageSize, options.imageSize, 1], numClasses: classes.length, seed: options.seed });
  log(summary(model));

  // ImageDataGenerator(zoom_range=0.2, rotation_range=15, width/height_shift_range=0.05), per batch on the fly.
  const augmenter = options.augment
    ? randomAugment({ zoomRange: 0.2, rotationRange: 15, widthShiftRange: 0.05, heightShiftRange: 0.05 })
    : undefined;
  const callbacks: Callback[] = [
    modelCheckpoint(files.checkpoint, { monitor: 'val_categorical_accuracy', mode: 'max', saveBestOnly: true }),
  ];
  if (options.earlyStoppingPatience > 0) {
    callbacks.push(earlyStopping({ monitor: 'val_auc', mode: 'max', patience: options.earlyStoppingPatience }));
  }
  const train = data.train.cache();
  const validation = data.validation.cache();
  const history = await fit(model, train, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    optimizer: 'adam',
    learningRate: options.learningRate,
    loss: 'categoricalCrossentropy',
    metrics: ['categoricalAccuracy', 'auc'],
    augment: augmenter,
    validationData: validation.size > 0 ? validation : undefined,
    seed: options.seed,
    callbacks,
    onProgress: hooks.onProgress,
    onEpochEnd: (epoch, logs) => {
      log(`Epoch ${epoch + 1}/${options.epochs}: ` + Object.entries(logs).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', '));
    },
  });

  // cross_entropy, acc, auc = model.evaluate(x_test, y_test)
  const test = data.test.cache();
  const evaluated = await evaluate(model, test, { batchSize: 66, loss: 'categoricalCrossentropy', metrics: ['accuracy', 'auc'] });
  const predicted = await predict(model, test, { batchSize: 66 });
  const probabilities = predicted.probabilities ?? [];
  const report = classificationReport(predicted.labels, predicted.predictions, { targetNames: classes, labels: classes.map((_, i) => i) });
  const matrix = confusionMatrix(predicted.labels, predicted.predictions, { numClasses: classes.length });
  const presentClasses = new Set(predicted.labels).size;
  const rocAucMacro = presentClasses === classes.length ? rocAucScore(predicted.labels, probabilities, { average: 'macro' }) : Number.NaN;

  // model.save(...): export, re-load, predictions must not change.
  await saveModel(model, files.model);
  const reloaded = await loadModel(files.model);
  const again = await predict(reloaded, test, { batchSize: 66 });
  const reloadMaxAbsDiff = Math.max(0, ...probabilities.flatMap((row, i) => row.map((p, j) => Math.abs(p - (again.probabilities?.[i]?.[j] ?? Number.NaN)))));
  reloaded.dispose();

  await writeFile(files.report, report.text);
  await writePlot(trainingCurveSpec(history, { metrics: ['loss', 'val_loss'], title: 'Categorical cross-entropy by epoch', yTitle: 'Loss' }), files.loss);
  await writePlot(trainingCurveSpec(history, { metrics: ['categorical_accuracy', 'val_categorical_accuracy'], title: 'Categorical accuracy by epoch', yTitle: 'Accuracy' }), files.accuracy);
  await writePlot(trainingCurveSpec(history, { metrics: ['auc', 'val_auc'], title: 'AUC by epoch', yTitle: 'AUC' }), files.auc);
  await writePlot(confusionMatrixSpec(matrix, { labels: classes, title: 'Test Data Confusion Matrix' }), files.confusion);
  if (presentClasses === classes.length) {
    const ovr = rocCurvesOvr(predicted.labels, probabilities);
    const curves = [
      ...ovr.perClass.map((c) => ({ name: classes[c.label] ?? String(c.label), fpr: c.fpr, tpr: c.tpr, auc: c.auc })),
      { name: 'micro-average', ...ovr.micro },
      { name: 'macro-average', ...ovr.macro },
    ];
    await writePlot(rocCurveSpec(curves, { title: 'ROC, one vs rest (test set)' }), files.roc);
  }

  const result: Seed004Result = {
    backend: backend.name,
    backendReason: backend.reason,
    data: data.source,
    classes,
    sizes: { train: data.train.size, validation: data.validation.size, test: data.test.size },
    test: { loss: evaluated.loss, accuracy: evaluated.accuracy, auc: evaluated.auc ?? Number.NaN },
    rocAucMacro,
    report,
    confusionMatrix: matrix,
    history,
    reloadMaxAbsDiff,
    imagesPerSecond: { train: history.imagesPerSecond },
    parameters: model.countParams(),
    warnings: data.warnings,
    files,
    options,
  };
  await writeFile(files.metrics, JSON.stringify(result, null, 2) + '\n');
  model.dispose();
  return result;
}
