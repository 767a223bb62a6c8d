import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { BootstrapInterval, TopLossRow } from '@cxr/metrics';
import { confusionMatrixSpec, prCurveSpec, reliabilityDiagramSpec, rocCurveSpec, trainingCurveSpec, type VegaLiteSpec } from '@cxr/metrics/plot';
import { renderSpec } from '@cxr/metrics/node';
import type { CommandContext } from '../context';
import { UsageError } from '../errors';
import { escapeHtml, inlineImage, REPORT_CSS, table } from '../report/html';
import { runFiles } from '../run-files';
import type { Evaluation } from './evaluate';

interface TrainInfo {
  backend: string;
  backendReason: string;
  data: string;
  classes: string[];
  sizes: { train: number; validation: number; test: number };
  model: string;
  parameters: number;
  imagesPerSecond: number;
  secondsPerEpoch: number[];
  warnings: string[];
}

const METRIC_NAMES: Record<string, string> = {
  accuracy: 'Accuracy',
  macroF1: 'Macro F1',
  rocAuc: 'ROC AUC (macro, one-vs-rest)',
  averagePrecision: 'Average precision (macro)',
  brierScore: 'Brier score (lower is better)',
  expectedCalibrationError: 'Expected calibration error, 10 bins (lower is better)',
};

/**
 * `cxr report`: one self-contained HTML file from a run's output folder (what `train` and
 * `evaluate` wrote): metrics with bootstrap CIs, confusion matrix, ROC, PR, reliability diagram,
 * training curves, top losses with Grad-CAM, dataset and leakage summary, backend and throughput.
 * Plots are vega-lite specs rendered to SVG and inlined with every image as data URIs.
 */
export async function reportCommand(outDir: string, target: string | undefined, ctx: CommandContext): Promise<{ report: string; bytes: number }> {
  const files = runFiles(outDir);
  const missing = [files.train, files.history, files.evaluation].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new UsageError(`${outDir} is not a finished run: run \`cxr train\` and \`cxr evaluate\` first. Missing:`, missing);
  }
  const read = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
  const train = await read<TrainInfo>(files.train);
  const history = await read<{ history: Record<string, number[]> }>(files.history);
  const evaluation = await read<Evaluation>(files.evaluation);
  const leakage = existsSync(files.leakage) ? await read<{ summary: string; sharedFiles: string[]; nearDuplicates: unknown[] }>(files.leakage) : null;
  const classes = evaluation.classes;
  const svg = async (spec: VegaLiteSpec, alt: string) => inlineImage(await renderSpec(spec, { format: 'svg' }), 'image/svg+xml', alt);

  const series = Object.keys(history.history);
  const lossSeries = series.filter((s) => /loss/.test(s));
  const accSeries = series.filter((s) => /acc/.test(s));
  const historyPlots = [
    await svg(trainingCurveSpec(history, { metrics: lossSeries, title: 'Loss by epoch', yTitle: 'Loss' }), 'Loss by epoch'),
    ...(accSeries.length ? [await svg(trainingCurveSpec(history, { metrics: accSeries, title: 'Accuracy by epoch', yTitle: 'Accuracy' }), 'Accuracy by epoch')] : []),
  ];
  const evaluationPlots = [
    await svg(confusionMatrixSpec(evaluation.confusionMatrix, { labels: classes, title: 'Confusion matrix (test set)' }), 'Confusion matrix'),
    ...(evaluation.roc.length ? [await svg(rocCurveSpec(evaluation.roc.map((c) => ({ name: c.name, fpr: c.x, tpr: c.y, auc: c.area })), { title: 'ROC (test set)' }), 'ROC curve')] : []),
    await svg(prCurveSpec(evaluation.pr.map((c) => ({ name: c.name, recall: c.x, precision: c.y, averagePrecision: c.area })), { title: 'Precision-recall (test set)' }), 'Precision-recall curve'),
    await svg(reliabilityDiagramSpec([evaluation.calibration], { title: `Reliability diagram: ${evaluation.calibration.name}` }), 'Reliability diagram'),
  ];
  const ci = (m: BootstrapInterval) => [m.estimate.toFixed(4), `[${m.lower.toFixed(4)}, ${m.upper.toFixed(4)}]`, `${m.valid}/${m.n}${m.skipped ? ` (${m.skipped} skipped: undefined)` : ''}`];
  const metricRows = Object.entries(evaluation.metrics).map(([key, m]) => [METRIC_NAMES[key] ?? key, ...ci(m)]);

  const gallery = await Promise.all(
    evaluation.gradCam.map(async (g) => {
      const png = existsSync(g.image) ? inlineImage(await readFile(g.image), 'image/png', `Grad-CAM ${g.title}`) : '<p class="warn">overlay missing</p>';
      return `<figure>${png}<figcaption>${escapeHtml(g.title)}<br>${escapeHtml(g.file)}</figcaption></figure>`;
    }),
  );
  const lossRows = evaluation.topLosses.map((r: TopLossRow) => [r.file ?? String(r.index), r.actualName, r.predictedName, r.probability.toFixed(4), r.loss.toFixed(4)]);
  const sizes = train.sizes;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cxr report: ${escapeHtml(train.model)}</title><style>${REPORT_CSS}</style></head>
<body>
<h1>cxr report</h1>
<p class="meta">${escapeHtml(train.model)}, ${train.parameters.toLocaleString('en-US')} parameters; classes ${escapeHtml(classes.join(', '))}; generated ${new Date().toISOString()}</p>
<section id="metrics"><h2>Metrics (test set, ${evaluation.samples} images)</h2>
${table(['Metric', 'Value', '95% CI (bootstrap, stratified)', 'Resamples used'], metricRows)}
<pre>${escapeHtml(evaluation.reportText)}</pre></section>
<section id="evaluation-plots"><h2>Confusion matrix, ROC, precision-recall, calibration</h2><div class="plots">${evaluationPlots.join('\n')}</div></section>
<section id="history"><h2>Training history</h2><div class="plots">${historyPlots.join('\n')}</div></section>
<section id="top-losses"><h2>Top losses and Grad-CAM</h2>
${lossRows.length ? table(['Image', 'Actual', 'Predicted', 'P(predicted)', 'Loss'], lossRows) : '<p>No test images.</p>'}
<div class="gallery">${gallery.join('\n')}</div></section>
<section id="dataset"><h2>Dataset and leakage</h2>
<p>${escapeHtml(train.data)}</p>
${table(['Split', 'Images'], [['train', String(sizes.train)], ['validation', String(sizes.validation)], ['test', String(sizes.test)]])}
<p>${leakage ? escapeHtml(leakage.summary) : 'No leakage check was recorded.'}</p>
${train.warnings.map((w) => `<p class="warn">${escapeHtml(w)}</p>`).join('\n')}</section>
<section id="backend"><h2>Backend and throughput</h2>
${table(['', ''], [
    ['Backend', `${train.backend} (${train.backendReason})`],
    ['Training throughput', `${train.imagesPerSecond.toFixed(1)} images/s`],
    ['Seconds per epoch', train.secondsPerEpoch.map((s) => s.toFixed(2)).join(', ')],
    ['Inference throughput (evaluate)', `${evaluation.inferenceImagesPerSecond.toFixed(1)} images/s on ${evaluation.backend}`],
  ])}</section>
</body></html>
`;
  const out = target ?? files.report;
  await writeFile(out, html);
  ctx.log(`wrote ${out} (${(html.length / 1024).toFixed(0)} KiB)`);
  return { report: out, bytes: Buffer.byteLength(html) };
}
