import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { graphNodes, isInputNode, runNode, type GraphNode } from './nodes.js';

/**
 * A model's forward pass split in two: the *frozen stem* — every node whose output depends on no
 * trainable weight (a frozen backbone, in a transfer model) — and the *trainable rest*.
 *
 * Why: gradients of the trainable weights never flow through the stem, yet `model.apply` inside
 * `tf.variableGrads` tapes it all, keeping every stem activation alive until the backward pass.
 * Running the stem first, outside the tape, frees those activations at once; with DenseNet201 or
 * EfficientNetB7 at 224 px and batch 16 that is the difference between fitting in wasm's 4 GB
 * heap or not. The gradients are the same: only the ops that depend on a trainable weight matter.
 */
export interface FrozenStemSplit {
  /** Nodes run outside the tape (input layers not counted). */
  readonly stemNodes: number;
  /** Nodes run on the tape. */
  readonly trainableNodes: number;
  /**
   * Run the stem on the model input; returns the values the trainable part reads (new tensors,
   * the caller disposes them). Call outside `tf.variableGrads`, ideally inside `tf.tidy`.
   */
  runStem(x: tf.Tensor, training: boolean): tf.Tensor[];
  /** The model output from the input and the stem's values (call inside the tape). */
  runRest(x: tf.Tensor, stem: readonly tf.Tensor[], training: boolean): tf.Tensor;
}

const dependsOnTrainable = (node: GraphNode): boolean => node.outboundLayer.trainableWeights.length > 0;

/**
 * Split `model` at its frozen stem, or `null` when there is nothing to gain (no frozen node
 * before a trainable one) or the model is outside what the split handles (several inputs or
 * outputs). Reflects the `trainable` flags at call time: split again after (un)freezing.
 */
export function splitFrozenStem(model: LayersModel): FrozenStemSplit | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const input = model.inputs[0] as SymbolicTensor;
  const output = model.outputs[0] as SymbolicTensor;
  const nodes = graphNodes(model);
  const varying = new Set<number>(); // symbolic tensor ids that depend on a trainable weight
  const stem: GraphNode[] = [];
  const rest: GraphNode[] = [];
  for (const node of nodes) {
    if (isInputNode(node)) continue;
    if (dependsOnTrainable(node) || node.inputTensors.some((t) => varying.has(t.id))) {
      rest.push(node);
      for (const t of node.outputTensors) varying.add(t.id);
    } else stem.push(node);
  }
  if (stem.length === 0 || rest.length === 0 || !varying.has(output.id)) return null;
  // The stem values the trainable part reads (the model input itself is passed separately).
  const frontier: number[] = [];
  const seen = new Set<number>([input.id]);
  for (const node of rest) {
    for (const t of node.inputTensors) {
      if (!varying.has(t.id) && !seen.has(t.id)) {
        seen.add(t.id);
        frontier.push(t.id);
      }
    }
  }
  return {
    stemNodes: stem.length,
    trainableNodes: rest.length,
    runStem(x, training) {
      // Run node by node, each in its own tidy, and free a value as soon as its last stem consumer
      // has run: the peak is the largest live set, not the sum of all activations.
      const remaining = new Map<number, number>(); // symbolic id → stem consumers still to run
      for (const node of stem) for (const t of node.inputTensors) remaining.set(t.id, (remaining.get(t.id) ?? 0) + 1);
      const keepForRest = new Set(frontier);
      const values = new Map<number, tf.Tensor>([[input.id, x]]);
      const holders = new Map<tf.Tensor, number>(); // tensor → live symbolic ids holding it (identity layers share)
      const release = (id: number) => {
        const t = values.get(id);
        values.delete(id);
        if (!t) return;
        const left = (holders.get(t) ?? 1) - 1;
        if (left > 0) holders.set(t, left);
        else {
          holders.delete(t);
          if (t !== x) t.dispose();
        }
      };
      try {
        for (const node of stem) {
          const outs = tf.tidy(() => {
            const local = new Map<number, tf.Tensor>();
            for (const t of node.inputTensors) local.set(t.id, values.get(t.id) as tf.Tensor);
            runNode(node, local, training);
            return node.outputTensors.map((t) => local.get(t.id) as tf.Tensor);
          });
          node.outputTensors.forEach((t, i) => {
            const v = outs[i] as tf.Tensor;
            values.set(t.id, v);
            holders.set(v, (holders.get(v) ?? 0) + 1);
          });
          for (const t of node.inputTensors) {
            const left = (remaining.get(t.id) ?? 1) - 1;
            remaining.set(t.id, left);
            if (left === 0 && !keepForRest.has(t.id) && t.id !== input.id) release(t.id);
          }
          // Outputs nobody reads (a layer's extra outputs) go at once.
          for (const t of node.outputTensors) if (!remaining.has(t.id) && !keepForRest.has(t.id)) release(t.id);
        }
        // An identity stem (e.g. Dropout at rate 0) may hand back `x` itself: copy it, so the
        // caller can dispose what it gets without disposing its input.
        return frontier.map((id) => {
          const v = values.get(id) as tf.Tensor;
          return v === x ? tf.clone(v) : v;
        });
      } catch (error) {
        for (const id of [...values.keys()]) if (id !== input.id) release(id);
        throw error;
      }
    },
    runRest(x, stemValues, training) {
      const values = new Map<number, tf.Tensor>([[input.id, x]]);
      frontier.forEach((id, i) => values.set(id, stemValues[i] as tf.Tensor));
      for (const node of rest) runNode(node, values, training);
      return values.get(output.id) as tf.Tensor;
    },
  };
}
