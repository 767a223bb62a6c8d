import * as tf from '@tensorflow/tfjs-core';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selectBackend, type BackendName } from '@cxr/core';
import { gradCam } from '@cxr/explain';
import { writeGradCamOverlays } from '@cxr/explain/node';
import {
  accuracyScore,
  averagePrecision,
  bootstrapCi,
  brierScore,
  calibrationCurve,
  classificationReport,
  confusionMatrix,
  expectedCalibrationError,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  rocAucScore,
  rocCurve,
  rocCurvesOvr,
  topLosses,
  type BootstrapInterval,
  type CalibrationCurve,
  type TopLossRow,
} from '@cxr/metrics';
import { predict } from '@cxr/train';
import type { SampleDataset } from '@cxr/data';
import type { ResolvedConfig } from '../config/load';
import type { CommandContext } from '../context';
import { loadRunData } from '../data';
import { loadRunModel, probabilityRows } from '../model-io';
import { runFiles } from '../run-files';

export interface NamedCurve {
  name: string;
  x: number[];
  y: number[];
  area: number;
}

/** What `cxr evaluate` writes to evaluation.json and the report reads. */
export interface Evaluation {
  classes: string[];
  backend: string;
  samples: number;
  /** Every metric with its bootstrap 95% CI (stratified by class). */
  metrics: Record<string, BootstrapInterval>;
  confusionMatrix: number[][];
  reportText: string;
  roc: NamedCurve[];
  pr: NamedCurve[];
  /** Binary: the positive class' probability; multi-class: top-label confidence. */
  calibration: CalibrationCurve & { name: string };
  topLosses: TopLossRow[];
  gradCam: { file: string; image: string; title: string }[];
  inferenceImagesPerSecond: number;
}

const argmax = (row: readonly number[]) => row.reduce((best, v, j) => (v > row[best]! ? j : best), 0);

/** `cxr evaluate`: predict the test set with the trained model; metrics with CIs, curves, top losses and their Grad-CAM. */
export async function evaluateCommand(resolved: ResolvedConfig, modelDir: string, ctx: CommandContext): Promise<Evaluation> {
  const { config, outDir } = resolved;
  const files = runFiles(outDir);
  const backend = await selectBackend({ backend: config.backend as BackendName | 'auto' });
  const { model, meta } = await loadRunModel(modelDir);
  try {
    const data = await loadRunData(resolved);
    const test = data.test.cache();
    const started = performance.now();
    const predicted = await predict(model, test, { batchSize: config.batchSize, ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}) });
    const inferenceImagesPerSecond = test.size / ((performance.now() - started) / 1000);
    const rows = probabilityRows(meta, predicted.scores, predicted.probabilities);
    const yTrue = predicted.labels;
    const yPred = rows.map(argmax);
    const classes = meta.classes;
    const k = classes.length;
    const binary = k === 2;
    const positive = (r: readonly number[][]) => r.map((row) => row[1]!);

    const boot = { n: config.evaluation.bootstrap, seed: config.seed, stratified: true };
    const metrics: Record<string, BootstrapInterval> = {
      accuracy: bootstrapCi((t, r: number[][]) => accuracyScore(t, r.map(argmax)), yTrue, rows, boot),
      macroF1: bootstrapCi((t, r: number[][]) => precisionRecallFscoreSupport(t, r.map(argmax), { average: 'macro', labels: classes.map((_, i) => i) }).fScore, yTrue, rows, boot),
      rocAuc: bootstrapCi((t, r: number[][]) => (binary ? rocAucScore(t, positive(r)) : rocAucScore(t, r, { average: 'macro' })), yTrue, rows, boot),
      averagePrecision: bootstrapCi((t, r: number[][]) => (binary ? averagePrecision(t, positive(r)) : averagePrecision(t, r, { average: 'macro' })), yTrue, rows, boot),
      expectedCalibrationError: bootstrapCi((t, r: number[][]) => expectedCalibrationError(t, r), yTrue, rows, boot),
    };
    if (binary) metrics['brierScore'] = bootstrapCi((t, r: number[][]) => brierScore(t, positive(r)), yTrue, rows, boot);

    const present = new Set(yTrue).size === k;
    let roc: NamedCurve[] = [];
    if (binary) {
      const curve = rocCurve(yTrue, positive(rows));
      roc = [{ name: classes[1]!, x: curve.fpr, y: curve.tpr, area: metrics['rocAuc']!.estimate }];
    } else if (present) {
      const ovr = rocCurvesOvr(yTrue, rows);
      roc = [
        ...ovr.perClass.map((c) => ({ name: classes[c.label]!, x: c.fpr, y: c.tpr, area: c.auc })),
        { name: 'macro-average', x: ovr.macro.fpr, y: ovr.macro.tpr, area: ovr.macro.auc },
      ];
    }
    const prClasses = binary ? [1] : classes.map((_, c) => c);
    const pr = prClasses.map((c) => {
      const scores = rows.map((row) => row[c]!);
      const curve = precisionRecallCurve(yTrue, scores, { posLabel: c });
      return { name: classes[c]!, x: curve.recall, y: curve.precision, area: averagePrecision(yTrue.map((l) => (l === c ? 1 : 0)), scores) };
    });
    const calibration = binary
      ? { name: `P(${classes[1]})`, ...calibrationCurve(yTrue, positive(rows), { nBins: 10 }) }
      : { name: 'top-label confidence', ...calibrationCurve(yTrue.map((t, i) => (t === yPred[i] ? 1 : 0)), rows.map((r) => Math.max(...r)), { nBins: 10 }) };

    const losses = topLosses({ probabilities: rows, yTrue, files: predicted.files, classes, k: Math.max(10, config.evaluation.gradCamSamples) });
    const gradCamFiles = await writeTopLossGradCams(model, meta.output, test, losses.slice(0, config.evaluation.gradCamSamples), files.gradcam);

    const evaluation: Evaluation = {
      classes,
      backend: backend.name,
      samples: yTrue.length,
      metrics,
      confusionMatrix: confusionMatrix(yTrue, yPred, { numClasses: k }),
      reportText: classificationReport(yTrue, yPred, { targetNames: classes, labels: classes.map((_, i) => i) }).text,
      roc,
      pr,
      calibration,
      topLosses: losses,
      gradCam: gradCamFiles,
      inferenceImagesPerSecond,
    };
    await writeFile(files.evaluation, `${JSON.stringify(evaluation, null, 2)}\n`);
    await writeFile(files.predictions, `${JSON.stringify({ classes, labels: yTrue, predictions: yPred, probabilities: rows, files: predicted.files }, null, 2)}\n`);
    const m = evaluation.metrics;
    const ci = (x: BootstrapInterval) => `${x.estimate.toFixed(3)} [${x.lower.toFixed(3)}, ${x.upper.toFixed(3)}]`;
    ctx.log(`\n${evaluation.reportText}`);
    ctx.log(`accuracy ${ci(m['accuracy']!)}, ROC AUC ${ci(m['rocAuc']!)}, AP ${ci(m['averagePrecision']!)} (95% bootstrap CIs, ${config.evaluation.bootstrap} resamples)`);
    ctx.log(`wrote ${files.evaluation}, ${files.predictions}${gradCamFiles.length ? `, ${files.gradcam}/` : ''}`);
    return evaluation;
  } finally {
    model.dispose();
  }
}

/** Grad-CAM overlays of the worst-predicted test images (the report's "top losses" gallery). */
async function writeTopLossGradCams(
  model: Parameters<typeof gradCam>[0],
  output: 'logit' | 'softmax',
  test: SampleDataset,
  losses: readonly TopLossRow[],
  dir: string,
): Promise<Evaluation['gradCam']> {
  await rm(dir, { recursive: true, force: true });
  if (losses.length === 0) return [];
  await mkdir(dir, { recursive: true });
  const wanted = new Map(losses.map((row, rank) => [row.index, rank]));
  const picked: tf.Tensor3D[] = new Array(losses.length);
  let index = 0;
  for await (const sample of test) {
    const rank = wanted.get(index++);
    if (rank !== undefined) picked[rank] = sample.image;
    else sample.image.dispose();
  }
  const images = tf.stack(picked) as tf.Tensor4D;
  tf.dispose(picked);
  try {
    const heatmaps = gradCam(model, images, {
      resize: true,
      ...(output === 'softmax' ? { classIndex: losses.map((row) => row.predicted) } : {}),
    });
    const titles = losses.map((row) => `${row.actualName} → ${row.predictedName} (${row.probability.toFixed(2)})`);
    const paths = losses.map((_, rank) => join(dir, `top_loss_${String(rank).padStart(2, '0')}.png`));
    try {
      // No caption bar: at training sizes (32-64 px) it cannot hold the text; the report captions each image.
      await writeGradCamOverlays(paths, images, heatmaps);
    } finally {
      heatmaps.dispose();
    }
    return losses.map((row, rank) => ({ file: row.file ?? '', image: paths[rank]!, title: titles[rank]! }));
  } finally {
    images.dispose();
  }
}
