// scikit-learn's metrics on plain arrays: no tfjs needed, the same numbers sklearn prints.
// #region usage
import { classificationReport, confusionMatrix, rocAucScore, rocCurve, thresholdPredictions } from '@cxr/metrics';

const labels = [0, 0, 0, 0, 1, 1, 1, 1];
const scores = [0.1, 0.4, 0.35, 0.8, 0.7, 0.9, 0.2, 0.65]; // P(class 1), e.g. from predict()
const predicted = thresholdPredictions(scores, 0.5);

export const matrix = confusionMatrix(labels, predicted); // [[3, 1], [1, 3]]
export const auc = rocAucScore(labels, scores); // 0.6875, as sklearn.metrics.roc_auc_score
export const roc = rocCurve(labels, scores); // { fpr, tpr, thresholds }
export const report = classificationReport(labels, predicted, { targetNames: ['NORMAL', 'COVID19'] });
console.log(report.text);
// #endregion usage
