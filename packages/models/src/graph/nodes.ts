import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';

/** The parts of a tfjs-layers graph node we use (the class is not exported by tfjs-layers). */
export interface GraphNode {
  readonly id: number;
  outboundLayer: {
    name: string;
    getClassName(): string;
    readonly trainableWeights: unknown[];
    apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): unknown;
  };
  inboundLayers: unknown[];
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
  callArgs?: Record<string, unknown>;
}

type LayerLike = { inboundNodes: GraphNode[] };

/** An InputLayer's node: no inbound layers (its input tensor is its own output). */
export const isInputNode = (node: GraphNode): boolean => node.inboundLayers.length === 0;

/** The node that produced a symbolic tensor. */
export function nodeOf(t: SymbolicTensor): GraphNode {
  const layer = t.sourceLayer as unknown as LayerLike;
  return layer.inboundNodes[t.nodeIndex] as GraphNode;
}

/**
 * The nodes that compute `model.outputs` from the model inputs, in topological order (inputs
 * first). Walks back from the outputs, so layers the model holds but does not use are left out.
 */
export function graphNodes(model: LayersModel): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<number>();
  const stack: Array<{ node: GraphNode; expanded: boolean }> = model.outputs.map((t) => ({ node: nodeOf(t), expanded: false }));
  // Iterative post-order DFS (deep graphs such as DenseNet201 stay clear of the call-stack limit).
  while (stack.length > 0) {
    const top = stack.pop() as { node: GraphNode; expanded: boolean };
    if (top.expanded) {
      if (!seen.has(top.node.id)) {
        seen.add(top.node.id);
        order.push(top.node);
      }
      continue;
    }
    if (seen.has(top.node.id)) continue;
    stack.push({ node: top.node, expanded: true });
    if (isInputNode(top.node)) continue;
    for (let i = top.node.inputTensors.length - 1; i >= 0; i--) {
      const child = nodeOf(top.node.inputTensors[i] as SymbolicTensor);
      if (!seen.has(child.id)) stack.push({ node: child, expanded: false });
    }
  }
  return order;
}

/**
 * Run one node on concrete values (by symbolic tensor id), storing its outputs in `values` —
 * what tfjs-layers' own graph executor does for each node of `model.apply`.
 */
export function runNode(node: GraphNode, values: Map<number, tf.Tensor>, training: boolean): void {
  const inputs = node.inputTensors.map((t) => values.get(t.id) as tf.Tensor);
  const kwargs: Record<string, unknown> = { ...(node.callArgs ?? {}), training };
  delete kwargs['mask'];
  const result = node.outboundLayer.apply(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs, kwargs);
  const outs = Array.isArray(result) ? (result as tf.Tensor[]) : [result as tf.Tensor];
  node.outputTensors.forEach((t, i) => values.set(t.id, outs[i] as tf.Tensor));
}
