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

export { createBackbone, listBackbones, getBackbone, registerBackbone } from './backbones/registry.js';
export type { BackboneOptions, BackboneSpec } from './backbones/registry.js';
export { mobileNetV2, makeDivisible, correctPad, MOBILENET_V2_MIN_SIDE } from './backbones/mobilenet-v2.js';
export type { MobileNetV2Options } from './backbones/mobilenet-v2.js';
export { preprocessInput } from './backbones/preprocess.js';
export type { PreprocessMode, PreprocessOptions } from './backbones/preprocess.js';
export { covidLiteHead } from './transfer/covid-lite-head.js';
export type { CovidLiteHeadOptions, HeadBuilder } from './transfer/covid-lite-head.js';
export { transferModel } from './transfer/transfer-model.js';
export type { TransferModelOptions } from './transfer/transfer-model.js';
export { freeze, unfreeze, selectLayers } from './freeze.js';
export type { LayerSelector, FreezeOptions } from './freeze.js';
export { applyWeightArtifacts, WeightsMismatchError } from './weights/load-weights.js';
export type { LoadWeightsOptions, LoadWeightsReport, ShapeMismatch } from './weights/load-weights.js';
export { loadWeights } from './weights/load-weights-from.js';
export { resNet50, RESNET50_MIN_SIDE } from './backbones/resnet50.js';
export type { ResNet50Options } from './backbones/resnet50.js';
export { fastaiHead } from './transfer/fastai-head.js';
export type { FastaiHeadOptions } from './transfer/fastai-head.js';
export { freezeBody, unfreezeAll, bodyLayerIndices } from './transfer/freeze-body.js';
export type { FreezeBodyOptions } from './transfer/freeze-body.js';
export { vgg16, VGG16_MIN_SIDE, VGG16_KERAS_PARAMS, VGG16_SPEC } from './backbones/vgg16.js';
export type { VGG16Options } from './backbones/vgg16.js';
export { mobileNet, MOBILENET_MIN_SIDE, MOBILENET_KERAS_PARAMS, MOBILENET_SPEC } from './backbones/mobilenet.js';
export type { MobileNetOptions } from './backbones/mobilenet.js';
export { poolDenseHead, denseNetArticleHead, vggArticleHead } from './transfer/article-heads.js';
export type { PoolDenseHeadOptions, PoolDenseHeadNames, ArticleHeadOptions } from './transfer/article-heads.js';
export { efficientNet, efficientNetB0, efficientNetB7, roundFilters, roundRepeats, EFFICIENTNET_MIN_SIDE, EFFICIENTNET_PARAMS, EFFICIENTNETB0_SPEC, EFFICIENTNETB7_SPEC } from './backbones/efficientnet.js';
export type { EfficientNetOptions, EfficientNetVariant } from './backbones/efficientnet.js';
export { KerasNormalization, kerasNormalization, registerKerasNormalization } from './layers/keras-normalization.js';
export type { KerasNormalizationArgs } from './layers/keras-normalization.js';
export { denseNet201, denseNet121, denseNet, DENSENET_MIN_SIDE, DENSENET_BLOCKS, DENSENET201_SPEC, DENSENET121_SPEC } from './backbones/densenet.js';
export type { DenseNetOptions } from './backbones/densenet.js';
export { probabilityEnsemble, denseEnsemble, defaultFeatureLayer, averageEnsemble, votingEnsemble, checkMembers } from './ensemble/index.js';
export type { ProbabilityEnsembleOptions, DenseEnsembleOptions, VotingEnsemble, MemberInfo } from './ensemble/index.js';
export { splitFrozenStem } from './graph/frozen-stem.js';
export type { FrozenStemSplit } from './graph/frozen-stem.js';
export { graphNodes, runNode, nodeOf, isInputNode } from './graph/nodes.js';
export type { GraphNode } from './graph/nodes.js';
export { loadKerasH5Weights, kerasH5ToArtifacts } from './h5/load-keras-h5.js';
export type { LoadKerasH5Options } from './h5/load-keras-h5.js';
export { readKerasH5 } from './h5/read-keras-h5.js';
export type { KerasH5Weights, KerasH5Layer, KerasH5Weight } from './h5/read-keras-h5.js';
