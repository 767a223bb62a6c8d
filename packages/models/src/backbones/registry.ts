import type * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { MOBILENET_V2_MIN_SIDE, mobileNetV2 } from './mobilenet-v2.js';
import type { PreprocessMode } from './preprocess.js';
import { RESNET50_MIN_SIDE, resNet50 } from './resnet50.js';
import { VGG16_SPEC } from './vgg16.js';
import { MOBILENET_SPEC } from './mobilenet.js';
import { EFFICIENTNETB0_SPEC, EFFICIENTNETB7_SPEC } from './efficientnet.js';
import { DENSENET121_SPEC, DENSENET201_SPEC } from './densenet.js';

/** Options every backbone understands; a backbone may take more (e.g. MobileNetV2's `alpha`). */
export interface BackboneOptions {
  /** [height, width, channels], channels last. Default: the backbone's `defaultInputShape`. */
  inputShape?: [number, number, number];
  /** Seed for weight initialisation. */
  seed?: number;
  /** Model name (default: Keras' name for the architecture). */
  name?: string;
  /** Width multiplier (MobileNet / MobileNetV2 only). */
  alpha?: number;
  /**
   * BatchNormalization moving-average momentum (default: the Keras application's: 0.999 for
   * MobileNetV2, the layer default 0.99 for ResNet50). Keras' value suits
   * fine-tuning pretrained weights; training from scratch on a few hundred steps wants a faster
   * average such as PyTorch's 0.9, or inference sees statistics that never caught up.
   */
  batchNormMomentum?: number;
}

/** One entry of the backbone registry (issue 6 adds more: mobilenet, resnet50, vgg16, densenet201, efficientnetb0/b7). */
export interface BackboneSpec {
  /** Registry name, lower case, e.g. 'mobilenetv2'. */
  name: string;
  /** The Keras application it reproduces (without top), e.g. 'MobileNetV2'. */
  keras: string;
  defaultInputShape: [number, number, number];
  /** Smallest input height/width accepted. */
  minInputSide: number;
  /** `preprocessInput` mode its (ImageNet) weights expect. */
  preprocess: PreprocessMode;
  /** Keras' parameter count with `include_top=False` at `defaultInputShape`, alpha 1 (tested). */
  kerasParams: number;
  /** The last convolutional feature layer (a natural Grad-CAM target). */
  lastConvLayer: string;
  /** Builds a flat functional model without top. */
  create(options: BackboneOptions): tfl.LayersModel;
}

const REGISTRY = new Map<string, BackboneSpec>();

/** Add (or replace) a backbone. Names are case-insensitive. */
export function registerBackbone(spec: BackboneSpec): void {
  REGISTRY.set(spec.name.toLowerCase(), spec);
}

registerBackbone({
  name: 'mobilenetv2',
  keras: 'MobileNetV2',
  defaultInputShape: [224, 224, 3],
  minInputSide: MOBILENET_V2_MIN_SIDE,
  preprocess: 'tf',
  kerasParams: 2_257_984,
  lastConvLayer: 'Conv_1',
  create: (options) => mobileNetV2(options),
});

registerBackbone({
  name: 'resnet50',
  keras: 'ResNet50',
  defaultInputShape: [224, 224, 3],
  minInputSide: RESNET50_MIN_SIDE,
  preprocess: 'caffe',
  kerasParams: 23_587_712,
  lastConvLayer: 'conv5_block3_out',
  create: (options) => resNet50(options),
});

// The issue-6 zoo; each file exports its spec (type-only imports back here, so no import cycle at run time).
registerBackbone(VGG16_SPEC);
registerBackbone(MOBILENET_SPEC);
registerBackbone(EFFICIENTNETB0_SPEC);
registerBackbone(EFFICIENTNETB7_SPEC);
registerBackbone(DENSENET201_SPEC);
registerBackbone(DENSENET121_SPEC);

/** Registered backbone names, sorted. */
export function listBackbones(): string[] {
  return [...REGISTRY.keys()].sort();
}

/** The registry entry for `name` (case-insensitive); unknown names are `E_BAD_ARGUMENT` listing the valid ones. */
export function getBackbone(name: string): BackboneSpec {
  const spec = typeof name === 'string' ? REGISTRY.get(name.toLowerCase()) : undefined;
  if (!spec) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `Unknown backbone ${JSON.stringify(name)}; valid names: ${listBackbones().join(', ')}.`,
    );
  }
  return spec;
}

/**
 * A backbone without top as one flat functional `tf.LayersModel` with Keras' layer names:
 * `createBackbone('mobilenetv2', { inputShape: [224, 224, 3], alpha: 1, seed: 42 })`.
 */
export function createBackbone(name: string, options: BackboneOptions = {}): tfl.LayersModel {
  const spec = getBackbone(name);
  return spec.create({ inputShape: spec.defaultInputShape, ...options });
}
