// The README's "Use it" block, verbatim: type-checked here, and snippets.test.ts fails if the
// README's copy drifts from this one. (It needs real folders, so it is type-checked, not run.)
// #region readme
import { selectBackend } from '@cxr/core';
import { imageFolder } from '@cxr/data/node';
import { covidCnn } from '@cxr/models';
import { fit, predict } from '@cxr/train';
import { accuracyScore, confusionMatrix, thresholdPredictions } from '@cxr/metrics';

await selectBackend(); // tensorflow → webgpu → wasm → cpu, or CXR_BACKEND=cpu
const opts = { classes: ['COVID19', 'NORMAL'], imageSize: 224, channels: 3 } as const;
const train = await imageFolder('data/train', opts); // Resize(224) + CenterCrop(224), [0, 1]
const test = await imageFolder('data/test', opts);
const model = covidCnn({ inputShape: [224, 224, 3] }); // 126,145 parameters, like the article
await fit(model, train, { epochs: 50, batchSize: 32, learningRate: 0.01, posWeight: 1 });
const { scores, labels } = await predict(model, test);
const predicted = thresholdPredictions(scores, 0.5);
console.log(accuracyScore(labels, predicted), confusionMatrix(labels, predicted));
// #endregion readme
