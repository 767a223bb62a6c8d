// The whole pipeline on the built-in phantom set: runs offline, in seconds, on any backend.
// #region usage
import { selectBackend } from '@cxr/core';
import { phantomDataset } from '@cxr/data';
import { covidCnn } from '@cxr/models';
import { fit, predict } from '@cxr/train';
import { accuracyScore, confusionMatrix } from '@cxr/metrics';

const backend = await selectBackend(); // tensorflow → webgpu → wasm → cpu, or CXR_BACKEND=cpu
console.log(`backend: ${backend.name} (${backend.reason})`);

const common = { classes: ['COVID19', 'NORMAL'], imageSize: 32, channels: 3, seed: 0 } as const;
const train = phantomDataset({ ...common, perClass: 24, split: 'train' });
const test = phantomDataset({ ...common, perClass: 8, split: 'test' });

const model = covidCnn({ inputShape: [32, 32, 3], seed: 0 }); // the seed-000 article's CNN
const history = await fit(model, train, { epochs: 4, batchSize: 16, learningRate: 0.003, seed: 0 });
const { predictions, labels } = await predict(model, test);

console.log('loss per epoch', history.history.loss);
console.log('accuracy', accuracyScore(labels, predictions));
console.log('confusion', confusionMatrix(labels, predictions, { numClasses: 2 }));
model.dispose();
// #endregion usage

export { history, labels, predictions };
