import * as tfl from '@tensorflow/tfjs-layers';
import { CxrError } from '@cxr/core';
import { freeze } from '../freeze.js';

export interface MemberInfo {
  /** Input shape without the batch axis, shared by every member. */
  inputShape: number[];
  /** Output width (classes) shared by every member. */
  numClasses: number;
}

/**
 * Check ensemble members: at least one, one input and one output each, the same input shape
 * and the same number of classes (`E_SHAPE_MISMATCH` naming the odd member otherwise).
 */
export function checkMembers(members: readonly tfl.LayersModel[], where: string): MemberInfo {
  if (!Array.isArray(members) || members.length === 0) {
    throw new CxrError('E_BAD_ARGUMENT', `${where}: pass at least one member model.`);
  }
  let info: MemberInfo | null = null;
  members.forEach((m, i) => {
    if (!m || !Array.isArray(m.inputs) || m.inputs.length !== 1 || m.outputs.length !== 1) {
      throw new CxrError('E_BAD_ARGUMENT', `${where}: member ${i} must be a LayersModel with one input and one output.`);
    }
    const inputShape = (m.inputs[0] as tfl.SymbolicTensor).shape.slice(1);
    const out = (m.outputs[0] as tfl.SymbolicTensor).shape;
    if (out.length !== 2 || out[1] === null) {
      throw new CxrError('E_SHAPE_MISMATCH', `${where}: member ${i} ("${m.name}") outputs [${out}]; expected [batch, classes].`);
    }
    if (inputShape.some((d) => d === null)) {
      throw new CxrError('E_SHAPE_MISMATCH', `${where}: member ${i} ("${m.name}") has an undefined input size [${inputShape}].`);
    }
    const current: MemberInfo = { inputShape: inputShape as number[], numClasses: out[1] as number };
    if (!info) {
      info = current;
      return;
    }
    if (current.numClasses !== info.numClasses) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `${where}: member ${i} ("${m.name}") has ${current.numClasses} classes but member 0 has ${info.numClasses}; all members must predict the same classes.`,
      );
    }
    if (current.inputShape.join(',') !== info.inputShape.join(',')) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `${where}: member ${i} ("${m.name}") takes [${current.inputShape}] but member 0 takes [${info.inputShape}]; build every member for the same image size and channels.`,
      );
    }
  });
  return info as unknown as MemberInfo;
}

/** Unique nested-model names: the member's own name, suffixed `_i` when names repeat. */
export function memberNames(members: readonly tfl.LayersModel[]): string[] {
  const counts = new Map<string, number>();
  for (const m of members) counts.set(m.name, (counts.get(m.name) ?? 0) + 1);
  const used = new Set<string>();
  return members.map((m, i) => {
    let name = (counts.get(m.name) ?? 0) > 1 ? `${m.name}_${i}` : m.name;
    while (used.has(name)) name = `${name}_${i}`;
    used.add(name);
    return name;
  });
}

/**
 * A member as a nested functional model (sharing its layers) from its input to `output`,
 * frozen the Keras way (`layer.trainable = False` on every layer, BatchNormalization in
 * inference mode). Note the layers are shared: the original member is frozen too.
 */
export function frozenSubModel(member: tfl.LayersModel, output: tfl.SymbolicTensor, name: string): tfl.LayersModel {
  freeze(member);
  const sub = tfl.model({ inputs: member.inputs, outputs: output, name });
  sub.trainable = false;
  return sub;
}

/** The ensemble's shared input. */
export function ensembleInput(info: MemberInfo, name = 'input'): tfl.SymbolicTensor {
  return tfl.input({ shape: info.inputShape, name });
}

/** Concatenate member outputs (a single member's output is used as it is). */
export function concatOrSingle(tensors: tfl.SymbolicTensor[], name: string): tfl.SymbolicTensor {
  if (tensors.length === 1) return tensors[0] as tfl.SymbolicTensor;
  return tfl.layers.concatenate({ name }).apply(tensors) as tfl.SymbolicTensor;
}
