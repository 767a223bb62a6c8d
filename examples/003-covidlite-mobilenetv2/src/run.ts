import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createRng, selectBackend, type BackendName, type OnProgress } from '@cxr/core';
import { formatStatsTable, type ImageStats } from '@cxr/data';
import { gradCam, overlayHeatmap } from '@cxr/explain';
import { classificationReport, confusionMatrix, rocCurvesOvr, type ClassificationReport } from '@cxr/metrics';
import { confusionMatrixSpec, rocCurveSpec, trainingCurveSpec } from '@cxr/metrics/plot';
import { writePlot } from '@cxr/metrics/node';
import { covidLiteHead, createBackbone, transferModel } from '@cxr/models';
import { loadWeights, saveModel } from '@cxr/models/node';
import { randomAugment } from '@cxr/preprocess';
import { writeAugmentationPreview, writeImageGrid, writePredictionGrid } from '@cxr/preprocess/node';
import { evaluate, fit, predict, reduceLROnPlateau, type History } from '@cxr/train';
import { loadCheckpoint, modelCheckpoint } from '@cxr/train/node';
import { loadSeed003Data } from './datasets.js';
import { ARTICLE_DEFAULTS, type Seed003Options } from './options.js';

/** The article's Grad-CAM layer. */
export const GRADCAM_LAYER = 'block_16_depthwise';

export interface Seed003Result {
  backend: string;
  data: string;
  classes: string[];
  stats: ImageStats;
  sizes: { train: number; test: number };
  weights: { source: string; loaded: number; missing: number } | 'from scratch';
  /** Test metrics of the best checkpoint (lowest val_loss), as the article reloads it. */
  test: { loss: number; accuracy: number };
  report: ClassificationReport;
  confusionMatrix: number[][];
  roc: { perClass: Record<string, number>; micro: number; macro: number } | null;
  history: History;
  imagesPerSecond: { train: number };
  parameters: number;
  cache: { dir: string; hit: boolean } | null;
  files: Seed003Files;
  options: Seed003Options;
}

export interface Seed003Files {
  metrics: string;
  eda: string;
  samples: string;
  augmentation: string;
  accuracy: string;
  loss: string;
  confusion: string;
  roc: string;
  report: string;
  predictions: string;
  gradcam: string;
  checkpoint: string;
  model: string;
}

export interface RunHooks {
  onProgress?: OnProgress;
  log?: (line: string) => void;
}

export async function runSeed003(partial: Partial<Seed003Options> = {}, hooks: RunHooks = {}): Promise<Seed003Result> {
  const options: Seed003Options = { ...ARTICLE_DEFAULTS, ...partial };
  const log = hooks.log ?? (() => {});
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const files: Seed003Files = {
    metrics: join(out, 'metrics.json'),
    eda: join(out, 'eda.txt'),
    samples: join(out, 'samples.png'),
    augmentation: join(out, 'augmentation.png'),
    accuracy: join(out, 'accuracy.png'),
    loss: join(out, 'loss.png'),
    confusion: join(out, 'confusion.png'),
    roc: join(out, 'roc.png'),
    report: join(out, 'report.txt'),
    predictions: join(out, 'predictions.png'),
    gradcam: join(out, 'gradcam.png'),
    checkpoint: join(out, 'model_checkpoint'),
    model: join(out, 'model'),
  };

  const backend = await selectBackend(options.backend ? { backend: options.backend as BackendName | 'auto' } : {});
  log(`backend: ${backend.name} (${backend.reason})`);

  // 2. EDA, 3. white balance + cache, 4. 80:20 split
  const data = await loadSeed003Data({ ...options, out });
  const { classes } = data;
  await writeFile(files.eda, formatStatsTable(data.stats) + '\n');
  log(`data: ${data.source}\n${formatStatsTable(data.stats)}`);
  log(`cache: ${data.cache ? `${data.cache.dir} (${data.cache.hit ? 'hit: nothing decoded' : 'written'})` : 'off'}`);
  log(`split: ${data.train.size} train, ${data.test.size} test`);
  for (const warning of data.warnings) log(`warning: ${warning}`);

  // Sample images, and 6. the augmentation preview (rotation 15, horizontal flip, nearest fill).
  const augment = randomAugment({ rotationRange: 15, horizontalFlip: true, fillMode: 'nearest' });
  for await (const batch of data.train.shuffle(options.seed).batch(Math.min(9, data.train.size))) {
    const labels = Array.from(await batch.labels.data());
    await writeImageGrid(files.samples, batch.images, { titles: labels.map((l) => classes[l] ?? String(l)), columns: 3, cellSize: 160 });
    const first = tf.tidy(() => tf.squeeze(tf.slice(batch.images, [0, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D);
    await writeAugmentationPreview(files.augmentation, first, augment, { count: 8, seed: options.seed, cellSize: 160 });
    tf.dispose([batch.images, batch.labels, first]);
    break;
  }

  // 7. MobileNetV2 (all layers trainable) + the article's head.
  // Keras' BatchNorm momentum (0.999) suits fine-tuning ImageNet weights; from scratch on a few
  // hundred steps its moving statistics never catch up, so use PyTorch's 0.9 there.
  const backbone = createBackbone('mobilenetv2', {
    inputShape: [options.imageSize, options.imageSize, 3],
    alpha: options.alpha,
    seed: options.seed,
    batchNormMomentum: options.weights ? 0.999 : 0.9,
  });
  let weights: Seed003Result['weights'] = 'from scratch';
  if (options.weights) {
    const report = await loadWeights(backbone, options.weights, { strict: false });
    weights = { source: options.weights, loaded: report.loaded.length, missing: report.missing.length };
    log(`weights: ${report.loaded.length} loaded from ${options.weights}, ${report.missing.length} missing, ${report.unexpected.length} unexpected`);
  } else {
    log('weights: none given (--weights PATH), so MobileNetV2 trains from scratch rather than fine-tuning ImageNet weights');
  }
  const model = transferModel({ backbone, head: covidLiteHead({ numClasses: classes.length, seed: options.seed }) });
  log(`model: ${model.name}, ${model.countParams().toLocaleString('en')} parameters, ${model.layers.length} layers`);

  const history = await fit(model, data.train, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    optimizer: 'adam',
    learningRate: options.learningRate,
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
    augment,
    validationData: data.test,
    seed: options.seed,
    callbacks: [
      modelCheckpoint(files.checkpoint, { monitor: 'val_loss', mode: 'min', saveBestOnly: true }),
      reduceLROnPlateau({ monitor: 'val_loss', factor: 0.3, patience: 2, mode: 'min', minLr: 1e-11 }),
    ],
    onProgress: hooks.onProgress,
    onEpochEnd: (epoch, logs) => {
      log(`Epoch ${epoch + 1}/${options.epochs}: ` + Object.entries(logs).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', '));
    },
  });
  model.dispose();

  // 8. Evaluate the best checkpoint (lowest val_loss), as the article reloads it.
  const best = await loadCheckpoint(files.checkpoint);
  const evaluated = await evaluate(best, data.test, { loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const predicted = await predict(best, data.test);
  const probabilities = predicted.probabilities ?? [];
  const labelsAll = classes.map((_, i) => i);
  const report = classificationReport(predicted.labels, predicted.predictions, { targetNames: classes, labels: labelsAll });
  const matrix = confusionMatrix(predicted.labels, predicted.predictions, { numClasses: classes.length });
  await writeFile(files.report, report.text);
  log(`\n${report.text}`);

  await writePlot(trainingCurveSpec(history, { metrics: ['accuracy', 'val_accuracy'], title: 'Training and validation accuracy', yTitle: 'Accuracy' }), files.accuracy);
  await writePlot(trainingCurveSpec(history, { metrics: ['loss', 'val_loss'], title: 'Training and validation loss', yTitle: 'Loss' }), files.loss);
  await writePlot(confusionMatrixSpec(matrix, { labels: classes, title: 'Confusion matrix' }), files.confusion);
  let roc: Seed003Result['roc'] = null;
  if (new Set(predicted.labels).size === classes.length) {
    const ovr = rocCurvesOvr(predicted.labels, probabilities);
    roc = {
      perClass: Object.fromEntries(ovr.perClass.map((c) => [classes[c.label] ?? String(c.label), c.auc])),
      micro: ovr.micro.auc,
      macro: ovr.macro.auc,
    };
    const curves = [
      ...ovr.perClass.map((c) => ({ name: classes[c.label] ?? String(c.label), fpr: c.fpr, tpr: c.tpr, auc: c.auc })),
      { name: 'micro-average', ...ovr.micro },
      { name: 'macro-average', ...ovr.macro },
    ];
    await writePlot(rocCurveSpec(curves, { title: 'ROC curves (test set)' }), files.roc);
  }

  // 9. Sample predictions and 10. Grad-CAM at block_16_depthwise, on 12 random test images.
  const rng = createRng(options.seed + 1);
  const picks = new Set(rng.shuffle(Array.from({ length: data.test.size }, (_, i) => i)).slice(0, 12));
  const images: tf.Tensor3D[] = [];
  let index = 0;
  for await (const sample of data.test) {
    if (picks.has(index++)) images.push(sample.image);
    else sample.image.dispose();
  }
  const pickList = [...picks].sort((a, b) => a - b);
  const batch = tf.stack(images) as tf.Tensor4D;
  tf.dispose(images);
  await writePredictionGrid(files.predictions, batch, {
    trueLabels: pickList.map((i) => predicted.labels[i]!),
    probabilities: pickList.map((i) => probabilities[i]!),
    classes,
    columns: 4,
    cellSize: 160,
  });
  const heatmaps = gradCam(best, batch, { layerName: GRADCAM_LAYER, resize: true });
  const overlays = tf.tidy(() =>
    tf.stack(pickList.map((_, i) => {
      const image = tf.squeeze(tf.slice(batch, [i, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D;
      const heat = tf.squeeze(tf.slice(heatmaps, [i, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D;
      return overlayHeatmap(image, heat, { alpha: 0.4 });
    })) as tf.Tensor4D,
  );
  await writeImageGrid(files.gradcam, overlays, {
    cellSize: 200,
    titles: pickList.map((i) => `${classes[predicted.labels[i]!]} → ${classes[predicted.predictions[i]!]}`),
    columns: 4,
  });
  tf.dispose([batch, heatmaps, overlays]);

  await saveModel(best, files.model);
  const result: Seed003Result = {
    backend: backend.name,
    data: data.source,
    classes,
    stats: data.stats,
    sizes: { train: data.train.size, test: data.test.size },
    weights,
    test: { loss: evaluated.loss, accuracy: evaluated.accuracy },
    report,
    confusionMatrix: matrix,
    roc,
    history,
    imagesPerSecond: { train: history.imagesPerSecond },
    parameters: best.countParams(),
    cache: data.cache,
    files,
    options,
  };
  await writeFile(files.metrics, JSON.stringify(result, null, 2) + '\n');
  best.dispose();
  return result;
}
