import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, CxrError } from '@cxr/core';
import { AdaptiveAveragePooling2D } from './layers/adaptive-average-pooling.js';
import { registerCustomLayers } from './layers/register.js';
import { torchDefaultInit } from './init/torch-default.js';

export interface CovidCnnOptions {
  /** [height, width, channels], channels last. Default [224, 224, 3] as in the article. Height and width ≥ 10. */
  inputShape?: [number, number, number];
  /** Dropout rates. Defaults are the article's: 0.25 after each pooled block, 0.5 in the classifier. */
  dropout?: { features?: number; classifier?: number };
  /** Seed for weight initialisation; the same seed gives the same weights. Unseeded when omitted. */
  seed?: number;
  /** Model name (default 'covid_xray_detection'). */
  name?: string;
}

/** Smallest input side the network accepts: conv3 → pool2 → conv3 → pool2 → conv3 must leave ≥ 1 pixel. */
const MIN_SIDE = 10;

/**
 * `CovidXRayDetection` from the seed-000 PyTorch article as a tf.LayersModel:
 *
 *   Conv(3→32,k3) ReLU · Conv(32→64,k3) ReLU · MaxPool2 · Dropout .25 ·
 *   Conv(64→128,k3) ReLU · MaxPool2 · Dropout .25 · AdaptiveAvgPool(2) · Flatten ·
 *   Linear(512→64) ReLU · Dropout .5 · Linear(64→1)
 *
 * 126,145 parameters for 3 input channels. The output is one **logit** per image (no sigmoid),
 * to be trained with BCE-with-logits as in the article. Layer names follow the PyTorch module
 * paths (`features.0`, `classifier.3`, …) so imported weights can be matched by name.
 *
 * Layout note: tfjs is channels-last (NHWC), PyTorch channels-first (NCHW). Convolution kernels
 * transpose as [co,ci,kh,kw] → [kh,kw,ci,co], and `Flatten` orders the 2×2×128 features as
 * (h, w, c) where `torch.flatten` gives (c, h, w): importing PyTorch weights must permute the
 * rows of `classifier.0`'s kernel accordingly. Nothing else depends on the order.
 *
 * Initialisation matches PyTorch's defaults in distribution (U(±1/√fanIn) for weights and biases).
 */
export function covidCnn(options: CovidCnnOptions = {}): tfl.Sequential {
  registerCustomLayers();
  const inputShape = options.inputShape ?? [224, 224, 3];
  const [height, width, channels] = inputShape;
  if (
    inputShape.length !== 3 ||
    !inputShape.every((d) => Number.isInteger(d) && d >= 1) ||
    height < MIN_SIDE ||
    width < MIN_SIDE
  ) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `covidCnn: inputShape must be [height, width, channels] with integer sides ≥ ${MIN_SIDE}, got ${JSON.stringify(inputShape)}.`,
    );
  }
  const featureRate = options.dropout?.features ?? 0.25;
  const classifierRate = options.dropout?.classifier ?? 0.5;
  for (const rate of [featureRate, classifierRate]) {
    if (!(rate >= 0 && rate < 1)) {
      throw new CxrError('E_BAD_ARGUMENT', `covidCnn: dropout rates must be in [0, 1), got ${rate}.`);
    }
  }

  const rng = options.seed === undefined ? null : createRng(options.seed);
  const init = (fanIn: number) =>
    torchDefaultInit(fanIn, rng ? [rng.seed(), rng.seed()] : undefined);
  const conv = (name: string, inChannels: number, filters: number, first = false) =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      strides: 1,
      padding: 'valid',
      activation: 'relu', // fused with the convolution; same as the article's separate ReLU
      ...init(3 * 3 * inChannels),
      ...(first ? { inputShape } : {}),
    });

  const model = tfl.sequential({ name: options.name ?? 'covid_xray_detection' });
  model.add(conv('features.0', channels, 32, true));
  model.add(conv('features.2', 32, 64));
  model.add(tfl.layers.maxPooling2d({ name: 'features.4', poolSize: 2, strides: 2 }));
  // Dropout layers are left unseeded: tfjs would reuse one fixed mask for every step. The
  // training loop in @cxr/train seeds them per step instead.
  model.add(tfl.layers.dropout({ name: 'features.5', rate: featureRate }));
  model.add(conv('features.6', 64, 128));
  model.add(tfl.layers.maxPooling2d({ name: 'features.8', poolSize: 2, strides: 2 }));
  model.add(tfl.layers.dropout({ name: 'features.9', rate: featureRate }));
  model.add(new AdaptiveAveragePooling2D({ name: 'avg_pool', outputSize: 2 }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ name: 'classifier.0', units: 64, activation: 'relu', ...init(128 * 2 * 2) }));
  model.add(tfl.layers.dropout({ name: 'classifier.2', rate: classifierRate }));
  model.add(tfl.layers.dense({ name: 'classifier.3', units: 1, ...init(64) }));
  return model;
}
