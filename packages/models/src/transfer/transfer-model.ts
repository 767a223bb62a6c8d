import * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { createBackbone, type BackboneOptions } from '../backbones/registry.js';
import { freeze as freezeLayers, type FreezeOptions, type LayerSelector } from '../freeze.js';
import type { HeadBuilder } from './covid-lite-head.js';
import { markBody } from './body.js';

export interface TransferModelOptions {
  /** A backbone model (e.g. from `createBackbone`) or a registry name. */
  backbone: tfl.LayersModel | string;
  /** Options for `createBackbone` when `backbone` is a name. */
  backboneOptions?: BackboneOptions;
  /** Builds the head on the backbone's output, e.g. `covidLiteHead({ numClasses: 3 })`. */
  head: HeadBuilder;
  /**
   * Which backbone layers to freeze: `true` = all of them (a frozen base), `false`/omitted =
   * none (the article fine-tunes everything: `layer.trainable = True`), or a `LayerSelector`
   * over the backbone's layers, e.g. `{ to: 100 }` or `/^(Conv1|bn_Conv1|block_[0-9]_)/`.
   */
  freeze?: boolean | LayerSelector;
  freezeOptions?: FreezeOptions;
  /** Model name (default `${backbone.name}_transfer`). */
  name?: string;
}

/**
 * Keras' `Model(conv_base.input, head(conv_base.output))`: one flat functional model whose
 * layers are the backbone's layers (the same objects, shared with `backbone`) followed by the
 * head's, so any backbone layer stays reachable by name (Grad-CAM at `block_16_depthwise`).
 */
export function transferModel(options: TransferModelOptions): tfl.LayersModel {
  const backbone =
    typeof options.backbone === 'string' ? createBackbone(options.backbone, options.backboneOptions ?? {}) : options.backbone;
  if (typeof options.head !== 'function') {
    throw new CxrError('E_BAD_ARGUMENT', 'transferModel: head must be a head builder, e.g. covidLiteHead().');
  }
  if (backbone.inputs.length !== 1 || backbone.outputs.length !== 1) {
    throw new CxrError('E_BAD_ARGUMENT', 'transferModel: the backbone must have exactly one input and one output.');
  }
  const f = options.freeze ?? false;
  if (f === true) freezeLayers(backbone, undefined, options.freezeOptions);
  else if (f !== false) freezeLayers(backbone, f, options.freezeOptions);
  const output = options.head(backbone.outputs[0] as tfl.SymbolicTensor);
  const model = tfl.model({ inputs: backbone.inputs, outputs: output, name: options.name ?? `${backbone.name}_transfer` });
  markBody(model, backbone.layers); // for freezeBody (fastai's freeze)
  return model;
}
