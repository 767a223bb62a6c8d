export { covidCnn } from './covid-cnn.js';
export type { CovidCnnOptions } from './covid-cnn.js';
export { lungClassifier } from './lung-classifier.js';
export type { LungClassifierOptions } from './lung-classifier.js';

export {
  AdaptiveAveragePooling2D,
  adaptiveAveragePooling2d,
  adaptiveBins,
} from './layers/adaptive-average-pooling.js';
export type { AdaptiveAveragePooling2DArgs } from './layers/adaptive-average-pooling.js';
export { registerCustomLayers } from './layers/register.js';
export { torchDefaultInit } from './init/torch-default.js';
export type { TorchDefaultInit } from './init/torch-default.js';

export { summary, summarize } from './summary.js';
export type { ModelSummary, SummaryRow } from './summary.js';

export { serializeModel } from './io/artifacts.js';
export type { SerializedModel } from './io/artifacts.js';
export { loadModel } from './load.js';
export type { LoadModelOptions } from './load.js';
