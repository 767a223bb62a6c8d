// Plots are vega-lite specs (data, not pictures): render them to PNG/SVG in Node, or embed in a page.
// #region usage
import { confusionMatrixSpec, rocCurveSpec } from '@cxr/metrics/plot';
import { writePlot } from '@cxr/metrics/node';
import { confusionMatrix, rocCurve } from '@cxr/metrics';

export async function writeEvaluationPlots(outDir: string, labels: number[], scores: number[]) {
  const predicted = scores.map((s) => (s > 0.5 ? 1 : 0));
  const cm = confusionMatrixSpec(confusionMatrix(labels, predicted), { labels: ['NORMAL', 'COVID19'] });
  const roc = rocCurveSpec([{ name: 'COVID19', ...rocCurve(labels, scores) }]);
  await writePlot(cm, `${outDir}/confusion.png`);
  await writePlot(roc, `${outDir}/roc.svg`); // the extension picks the format
  return [`${outDir}/confusion.png`, `${outDir}/roc.svg`];
}
// #endregion usage
