import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { selectBackend, type BackendName, type OnProgress } from '@cxr/core';
import { gradCam, overlayHeatmap } from '@cxr/explain';
import { accuracyScore, rocAucScore } from '@cxr/metrics';
import {
  averageEnsemble,
  createBackbone,
  denseEnsemble,
  denseNetArticleHead,
  getBackbone,
  probabilityEnsemble,
  transferModel,
  vggArticleHead,
} from '@cxr/models';
import { randomAugment } from '@cxr/preprocess';
import { writeImageGrid } from '@cxr/preprocess/node';
import { earlyStopping, fit, predict, reduceLROnPlateau, type FitOptions } from '@cxr/train';
import { loadSeed002Data } from './datasets.js';
import { ARTICLE_DEFAULTS, type Seed002Options } from './options.js';

export interface ComparisonRow {
  model: string;
  kind: 'member' | 'ensemble';
  accuracy: number;
  /** Exact macro one-vs-rest ROC AUC on the test set (NaN when a class is missing there). */
  macroAuc: number;
  parameters: number;
  trainableParameters: number;
  /** Training throughput (images/s), where the model was trained. */
  trainImagesPerSecond: number | null;
  inferenceImagesPerSecond: number;
  epochs: number;
}

export interface Seed002Result {
  backend: string;
  data: string;
  classes: string[];
  rows: ComparisonRow[];
  files: { table: string; json: string; gradcam: string };
  options: Seed002Options;
}

export interface RunHooks {
  onProgress?: OnProgress;
  log?: (line: string) => void;
}

const trainable = (m: tfl.LayersModel): number => m.trainableWeights.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);

async function score(model: tfl.LayersModel, name: string, kind: ComparisonRow['kind'], test: Parameters<typeof predict>[1], extra: { train: number | null; epochs: number }): Promise<ComparisonRow> {
  const started = performance.now();
  const predicted = await predict(model, test, { batchSize: 16 });
  const seconds = (performance.now() - started) / 1000;
  const probabilities = predicted.probabilities ?? [];
  const allPresent = new Set(predicted.labels).size === (probabilities[0]?.length ?? 0);
  return {
    model: name,
    kind,
    accuracy: accuracyScore(predicted.labels, predicted.predictions),
    macroAuc: allPresent ? rocAucScore(predicted.labels, probabilities, { average: 'macro' }) : Number.NaN,
    parameters: model.countParams(),
    trainableParameters: trainable(model),
    trainImagesPerSecond: extra.train,
    inferenceImagesPerSecond: predicted.labels.length / seconds,
    epochs: extra.epochs,
  };
}

export function comparisonMarkdown(rows: readonly ComparisonRow[]): string {
  const f = (x: number | null, d = 3) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(d));
  return [
    '| model | kind | accuracy | macro AUC | parameters | trainable | train img/s | infer img/s | epochs |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      `| ${r.model} | ${r.kind} | ${f(r.accuracy)} | ${f(r.macroAuc)} | ${r.parameters.toLocaleString('en')} | ${r.trainableParameters.toLocaleString('en')} | ${f(r.trainImagesPerSecond, 1)} | ${f(r.inferenceImagesPerSecond, 1)} | ${r.epochs} |`,
    ),
  ].join('\n');
}

/** The article: three frozen backbones with heads, label smoothing, callbacks; two trainable ensembles and an average. */
export async function runSeed002(partial: Partial<Seed002Options> = {}, hooks: RunHooks = {}): Promise<Seed002Result> {
  const options: Seed002Options = { ...ARTICLE_DEFAULTS, ...partial };
  const log = hooks.log ?? (() => {});
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const files = { table: join(out, 'comparison.md'), json: join(out, 'metrics.json'), gradcam: join(out, 'gradcam.png') };
  for (const name of options.members) getBackbone(name); // unknown names fail before any work
  const backend = await selectBackend(options.backend ? { backend: options.backend as BackendName | 'auto' } : {});
  log(`backend: ${backend.name} (${backend.reason})`);

  const data = await loadSeed002Data(options);
  const classes = [...data.train.classes];
  const train = data.train.cache();
  const test = data.test.cache();
  log(`data: ${data.source}; classes ${classes.join(', ')}; ${train.size} train, ${test.size} test`);

  // ImageDataGenerator(rescale=1/255, zoom_range=0.2, rotation_range=15, horizontal_flip=True)
  const augment = randomAugment({ zoomRange: 0.2, rotationRange: 15, horizontalFlip: true });
  const common = (epochs: number): FitOptions => ({
    epochs,
    batchSize: options.batchSize,
    optimizer: 'adam',
    learningRate: options.learningRate,
    loss: 'categoricalCrossentropy',
    labelSmoothing: options.labelSmoothing,
    metrics: ['accuracy'],
    augment,
    validationData: test,
    seed: options.seed,
    callbacks: [
      reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, minDelta: 1e-4, patience: 3 }),
      earlyStopping({ monitor: 'val_loss', patience: options.patience }),
    ],
    onProgress: hooks.onProgress,
  });

  const rows: ComparisonRow[] = [];
  const members: tfl.LayersModel[] = [];
  for (const name of options.members) {
    const backbone = createBackbone(name, { inputShape: [options.imageSize, options.imageSize, 3], seed: options.seed });
    const head = name === 'vgg16' ? vggArticleHead({ numClasses: classes.length, seed: options.seed }) : denseNetArticleHead({ numClasses: classes.length, seed: options.seed });
    const model = transferModel({ backbone, head, freeze: true, name: `${name}_transfer` });
    log(`${name}: ${model.countParams().toLocaleString('en')} parameters, ${trainable(model).toLocaleString('en')} trainable (frozen base + head)`);
    const history = await fit(model, train, common(options.epochs));
    rows.push(await score(model, name, 'member', test, { train: history.imagesPerSecond, epochs: history.epoch.length }));
    log(`${name}: test accuracy ${rows.at(-1)!.accuracy.toFixed(3)}, macro AUC ${rows.at(-1)!.macroAuc.toFixed(3)}`);
    members.push(model);
  }

  const ensembles: [string, tfl.LayersModel, boolean][] = [
    ['probability ensemble', probabilityEnsemble(members, { seed: options.seed }), true],
    ['dense ensemble', denseEnsemble(members, { seed: options.seed }), true],
    ['average ensemble', averageEnsemble(members), false],
  ];
  for (const [name, model, trains] of ensembles) {
    let trainRate: number | null = null;
    let epochs = 0;
    if (trains) {
      const history = await fit(model, train, common(options.ensembleEpochs));
      trainRate = history.imagesPerSecond;
      epochs = history.epoch.length;
    }
    rows.push(await score(model, name, 'ensemble', test, { train: trainRate, epochs }));
    log(`${name}: test accuracy ${rows.at(-1)!.accuracy.toFixed(3)}, macro AUC ${rows.at(-1)!.macroAuc.toFixed(3)}`);
  }

  // Grad-CAM of every member on the same four test images (rows: members).
  const images: tf.Tensor3D[] = [];
  const labels: number[] = [];
  for await (const sample of test.shuffle(options.seed)) {
    if (images.length < 4) {
      images.push(sample.image);
      labels.push(sample.label);
    } else sample.image.dispose();
  }
  const batch = tf.stack(images) as tf.Tensor4D;
  tf.dispose(images);
  const overlays: tf.Tensor3D[] = [];
  const titles: string[] = [];
  for (const [m, member] of members.entries()) {
    const heat = gradCam(member, batch, { resize: true });
    const probs = member.predict(batch) as tf.Tensor2D;
    const argMax = tf.argMax(probs, 1);
    const predictedClass = Array.from(argMax.dataSync());
    argMax.dispose();
    for (let i = 0; i < labels.length; i++) {
      overlays.push(tf.tidy(() => overlayHeatmap(
        tf.squeeze(tf.slice(batch, [i, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D,
        tf.squeeze(tf.slice(heat, [i, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D,
      )));
      titles.push(`${options.members[m]}: ${classes[labels[i]!]} → ${classes[predictedClass[i]!]}`);
    }
    tf.dispose([heat, probs]);
  }
  const grid = tf.stack(overlays) as tf.Tensor4D;
  await writeImageGrid(files.gradcam, grid, { titles, columns: labels.length, cellSize: 200 });
  tf.dispose([grid, batch, ...overlays]);

  const table = comparisonMarkdown(rows);
  await writeFile(files.table, `# Seed 002 comparison (${data.source})\n\n${table}\n`);
  log(`\n${table}`);
  const result: Seed002Result = { backend: backend.name, data: data.source, classes, rows, files, options };
  await writeFile(files.json, JSON.stringify(result, null, 2) + '\n');
  // The ensembles share the members' layers: disposing the members' weights frees everything.
  tf.dispose(members.flatMap((m) => m.weights.map((w) => (w as unknown as { val: tf.Variable }).val)));
  for (const [, model] of ensembles) tf.dispose(model.weights.map((w) => (w as unknown as { val: tf.Variable }).val));
  return result;
}
