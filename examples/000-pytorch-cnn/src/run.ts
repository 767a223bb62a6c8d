import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { selectBackend, type BackendName, type OnProgress } from '@cxr/core';
import { accuracyScore, confusionMatrix, thresholdPredictions } from '@cxr/metrics';
import { confusionMatrixSpec, lossCurveSpec } from '@cxr/metrics/plot';
import { writePlot } from '@cxr/metrics/node';
import { covidCnn, summary } from '@cxr/models';
import { saveModel } from '@cxr/models/node';
import { writeImageGrid } from '@cxr/preprocess/node';
import { fit, predict, type History } from '@cxr/train';
import { loadSeed000Data } from './datasets.js';
import { ARTICLE_DEFAULTS, type Seed000Options } from './options.js';

export interface Seed000Result {
  backend: string;
  backendReason: string;
  data: string;
  classes: string[];
  accuracy: number;
  confusionMatrix: number[][];
  history: History;
  imagesPerSecond: { train: number; inference: number };
  parameters: number;
  files: Record<'metrics' | 'loss' | 'lossSvg' | 'confusion' | 'confusionSvg' | 'batch' | 'model', string>;
  options: Seed000Options;
}

export interface RunHooks {
  onProgress?: OnProgress;
  log?: (line: string) => void;
}

/** The whole article: data → viewXRay batch → CNN → Adam + BCEWithLogits → accuracy + confusion matrix. */
export async function runSeed000(partial: Partial<Seed000Options> = {}, hooks: RunHooks = {}): Promise<Seed000Result> {
  const options: Seed000Options = { ...ARTICLE_DEFAULTS, ...partial };
  const log = hooks.log ?? (() => {});
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });

  const backend = await selectBackend(options.backend ? { backend: options.backend as BackendName | 'auto' } : {});
  log(`backend: ${backend.name} (${backend.reason})`);

  const { train, test, source } = await loadSeed000Data(options);
  log(`data: ${source}; classes ${train.classes.map((c, i) => `${i}=${c}`).join(', ')}; ${train.size} train, ${test.size} test images`);

  // 1.3 "Visualization for Batches": one shuffled batch with its class names.
  const files = {
    metrics: join(out, 'metrics.json'),
    loss: join(out, 'loss.png'),
    lossSvg: join(out, 'loss.svg'),
    confusion: join(out, 'confusion.png'),
    confusionSvg: join(out, 'confusion.svg'),
    batch: join(out, 'batch.png'),
    model: join(out, 'model'),
  };
  for await (const batch of train.shuffle(options.seed).batch(Math.min(16, train.size))) {
    const labels = Array.from(await batch.labels.data());
    await writeImageGrid(files.batch, batch.images, { titles: labels.map((l) => train.classes[l] ?? String(l)), columns: 4, cellSize: 160 });
    tf.dispose([batch.images, batch.labels]);
    break;
  }

  // 2. The CovidXRayDetection network; 3. Adam(lr) + BCEWithLogitsLoss(pos_weight).
  const model = covidCnn({ inputShape: [options.imageSize, options.imageSize, 3], seed: options.seed });
  log(summary(model));
  const trainData = train.cache();
  const testData = test.cache();
  const history = await fit(model, trainData, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    optimizer: 'adam',
    learningRate: options.learningRate,
    loss: 'bceWithLogits',
    posWeight: options.posWeight,
    validationData: testData,
    seed: options.seed,
    onProgress: hooks.onProgress,
    onEpochEnd: (epoch, logs) => {
      log(`Epoch: ${epoch}, Loss: ${logs.loss.toFixed(4)}, accuracy ${logs.accuracy.toFixed(3)}` +
        (logs['val_loss'] !== undefined ? `, val_loss ${logs['val_loss'].toFixed(4)}, val_accuracy ${logs['val_accuracy']?.toFixed(3)}` : ''));
    },
  });

  // 4. Prediction on the held-out set with threshold .5.
  const started = performance.now();
  const { scores, labels } = await predict(model, testData, { batchSize: 32, onProgress: hooks.onProgress });
  const inferenceSeconds = (performance.now() - started) / 1000;
  const predictions = thresholdPredictions(scores, 0.5);
  const numClasses = train.classes.length;
  const accuracy = accuracyScore(labels, predictions);
  const matrix = confusionMatrix(labels, predictions, { numClasses });
  log(`Accuracy Score: ${accuracy}`);

  await writePlot(lossCurveSpec(history, { title: 'Model Training Loss by Epoch' }), files.loss);
  await writePlot(lossCurveSpec(history, { title: 'Model Training Loss by Epoch' }), files.lossSvg);
  const cmSpec = confusionMatrixSpec(matrix, { labels: [...train.classes], title: 'Test Data Confusion Matrix' });
  await writePlot(cmSpec, files.confusion);
  await writePlot(cmSpec, files.confusionSvg);
  await saveModel(model, files.model);

  const result: Seed000Result = {
    backend: backend.name,
    backendReason: backend.reason,
    data: source,
    classes: [...train.classes],
    accuracy,
    confusionMatrix: matrix,
    history,
    imagesPerSecond: { train: history.imagesPerSecond, inference: scores.length / inferenceSeconds },
    parameters: model.countParams(),
    files,
    options,
  };
  await writeFile(files.metrics, JSON.stringify(result, null, 2) + '\n');
  model.dispose();
  return result;
}
