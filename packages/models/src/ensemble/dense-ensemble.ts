import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, CxrError } from '@cxr/core';
import { checkMembers, concatOrSingle, ensembleInput, frozenSubModel, memberNames } from './members.js';
import { applyFrozen } from './frozen-features.js';

type Layer = tfl.LayersModel['layers'][number];

export interface DenseEnsembleOptions {
  /**
   * Per member, the name of its last dense feature layer (the article: 'dense_head',
   * 'dense_head_2'). `undefined` entries / omitted: the layer feeding the output layer,
   * skipping Dropout layers (so the article's `dense_head → dropout_head → predictions_head`
   * gives `dense_head`).
   */
  layerNames?: ReadonlyArray<string | undefined>;
  /** Classes of the head (default: the members' output width). */
  numClasses?: number;
  /** Hidden Dense(units, relu) of the head; omitted = none (the article: concat → Dense(3), 579 params). */
  units?: number;
  /** Dropout rate before the softmax Dense (default 0.5 with `units`, 0 without). */
  dropout?: number;
  seed?: number;
  /** Model name (default 'dense_ensemble'). */
  name?: string;
}

/** The default feature layer: the output layer's input layer, walking back over Dropout. */
export function defaultFeatureLayer(member: tfl.LayersModel): Layer {
  const outLayer = member.outputs[0]?.sourceLayer as Layer | undefined;
  let layer = outLayer ? inboundLayer(outLayer) : undefined;
  while (layer && layer.getClassName() === 'Dropout') layer = inboundLayer(layer);
  if (!layer || layer.getClassName() === 'InputLayer') {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `denseEnsemble: member "${member.name}" has no layer before its output; name its feature layer in layerNames.`,
    );
  }
  return layer;
}

function inboundLayer(layer: Layer): Layer | undefined {
  const nodes = (layer as unknown as { inboundNodes: Array<{ inboundLayers: Layer[] }> }).inboundNodes;
  const inbound = nodes?.[0]?.inboundLayers;
  return inbound && inbound.length === 1 ? inbound[0] : undefined;
}

/**
 * The seed-002 article's "ensemble at the last dense layer": each member cut at its last dense
 * feature layer (`Model(m.input, m.get_layer(name).output)`, frozen) → concatenate → new head
 * [Dense(units, relu) → Dropout] → Dropout(dropout) → Dense(numClasses, softmax, 'predictions').
 */
export function denseEnsemble(members: tfl.LayersModel[], options: DenseEnsembleOptions = {}): tfl.LayersModel {
  const info = checkMembers(members, 'denseEnsemble');
  if (options.layerNames && options.layerNames.length !== members.length) {
    throw new CxrError('E_BAD_ARGUMENT', `denseEnsemble: ${options.layerNames.length} layerNames for ${members.length} members.`);
  }
  const numClasses = options.numClasses ?? info.numClasses;
  const units = options.units;
  if (units !== undefined && !(Number.isInteger(units) && units > 0)) {
    throw new CxrError('E_BAD_ARGUMENT', `denseEnsemble: units must be a positive integer, got ${units}.`);
  }
  const rate = options.dropout ?? (units ? 0.5 : 0);
  if (!(rate >= 0 && rate < 1)) throw new CxrError('E_BAD_ARGUMENT', `denseEnsemble: dropout must be in [0, 1), got ${rate}.`);
  const rng = options.seed === undefined ? null : createRng(options.seed);
  const init = (): ReturnType<typeof tfl.initializers.glorotUniform> => tfl.initializers.glorotUniform(rng ? { seed: rng.seed() } : {});
  const input = ensembleInput(info);
  const names = memberNames(members);
  const features = members.map((m, i) => {
    const name = options.layerNames?.[i];
    const layer = name === undefined ? defaultFeatureLayer(m) : m.getLayer(name);
    const out = layer.output as tfl.SymbolicTensor;
    if (Array.isArray(out) || out.shape.length !== 2) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `denseEnsemble: feature layer "${layer.name}" of member ${i} outputs [${(out as tfl.SymbolicTensor).shape}]; pick a flat [batch, features] layer.`,
      );
    }
    return applyFrozen(frozenSubModel(m, out, `${names[i]}_nohead`), input, `${names[i]}_nohead`);
  });
  let x = concatOrSingle(features, 'concatallprobs');
  if (units) {
    x = tfl.layers.dense({ units, activation: 'relu', name: 'ensemble_dense', kernelInitializer: init(), biasInitializer: 'zeros' }).apply(x) as tfl.SymbolicTensor;
  }
  if (rate > 0) {
    x = tfl.layers.dropout({ rate, name: 'ensemble_dropout', ...(rng ? { seed: rng.seed() } : {}) }).apply(x) as tfl.SymbolicTensor;
  }
  const output = tfl.layers
    .dense({ units: numClasses, activation: 'softmax', name: 'predictions', kernelInitializer: init(), biasInitializer: 'zeros' })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: options.name ?? 'dense_ensemble' });
}
