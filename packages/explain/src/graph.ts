import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';

/** The parts of a tfjs-layers graph node we use (the class is not exported by tfjs-layers). */
interface GraphNode {
  readonly id: number;
  outboundLayer: { name: string; getClassName(): string; apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): unknown };
  inboundLayers: unknown[];
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
  callArgs?: Record<string, unknown>;
}

type LayerLike = { name: string; getClassName(): string; inboundNodes: GraphNode[] };

/** An InputLayer's node: no inbound layers (its input tensor is its own output). */
const isInput = (node: GraphNode): boolean => node.inboundLayers.length === 0;

function nodeOf(t: SymbolicTensor): GraphNode {
  const layer = t.sourceLayer as unknown as LayerLike;
  return layer.inboundNodes[t.nodeIndex] as GraphNode;
}

/**
 * The nodes that compute `outputs` from the model inputs, in topological order (inputs first).
 * Walks back from the outputs, so layers the model holds but does not use are left out.
 */
export function graphNodes(model: LayersModel): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<number>();
  const stack: Array<{ node: GraphNode; expanded: boolean }> = model.outputs.map((t) => ({ node: nodeOf(t), expanded: false }));
  // Iterative post-order DFS (deep graphs such as MobileNetV2 stay clear of the call-stack limit).
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
    if (isInput(top.node)) continue;
    for (let i = top.node.inputTensors.length - 1; i >= 0; i--) {
      const child = nodeOf(top.node.inputTensors[i] as SymbolicTensor);
      if (!seen.has(child.id)) stack.push({ node: child, expanded: false });
    }
  }
  return order;
}

/** Layers whose output is what the Grad-CAM of a conv layer is taken at. */
const CONV_CLASSES = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);
/** Element-wise layers that keep "the output of a conv" (its batch norm and activation). */
const PASS_THROUGH = new Set(['BatchNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU', 'Softmax']);

/**
 * Names of the layers Grad-CAM can tap, in graph order: conv layers (Conv2D, DepthwiseConv2D,
 * SeparableConv2D) with a 4-D output, and batch-norm / activation layers that directly follow
 * one of them (MobileNetV2's `Conv_1` → `Conv_1_bn` → `out_relu`). The last is the default.
 */
export function convLayerCandidates(model: LayersModel): string[] {
  const out: string[] = [];
  const convTensors = new Set<number>();
  for (const node of graphNodes(model)) {
    const cls = node.outboundLayer.getClassName();
    const output = node.outputTensors[0];
    if (node.outputTensors.length !== 1 || !output || output.shape.length !== 4) continue;
    const isConv = CONV_CLASSES.has(cls);
    const follows = PASS_THROUGH.has(cls) && node.inputTensors.length === 1 && convTensors.has((node.inputTensors[0] as SymbolicTensor).id);
    if (isConv || follows) {
      convTensors.add(output.id);
      if (!out.includes(node.outboundLayer.name)) out.push(node.outboundLayer.name);
    }
  }
  return out;
}

/** A model run split at one tapped tensor, so its downstream part can be re-run on a replacement. */
export interface TappedGraph {
  /** The node whose first output is tapped. */
  tapNode: GraphNode;
  nodes: GraphNode[];
  /** Symbolic tensor ids that depend on the tapped tensor (the tap included). */
  downstream: Set<number>;
}

export function tapGraph(model: LayersModel, layerName: string): TappedGraph | null {
  const nodes = graphNodes(model);
  const tapNode = nodes.find((n) => n.outboundLayer.name === layerName);
  if (!tapNode) return null;
  const downstream = new Set<number>([(tapNode.outputTensors[0] as SymbolicTensor).id]);
  for (const node of nodes) {
    if (node !== tapNode && !isInput(node) && node.inputTensors.some((t) => downstream.has(t.id))) for (const t of node.outputTensors) downstream.add(t.id);
  }
  return { tapNode, nodes, downstream };
}

function runNode(node: GraphNode, values: Map<number, tf.Tensor>): void {
  const inputs = node.inputTensors.map((t) => values.get(t.id) as tf.Tensor);
  const kwargs = { ...(node.callArgs ?? {}), training: false };
  delete (kwargs as Record<string, unknown>)['mask'];
  const result = node.outboundLayer.apply(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs, kwargs);
  const outs = Array.isArray(result) ? (result as tf.Tensor[]) : [result as tf.Tensor];
  node.outputTensors.forEach((t, i) => values.set(t.id, outs[i] as tf.Tensor));
}

/**
 * Run the model in inference mode on `x`, returning every computed value by symbolic tensor id.
 * Call inside `tf.tidy`.
 */
export function runGraph(model: LayersModel, graph: TappedGraph, x: tf.Tensor): Map<number, tf.Tensor> {
  const values = new Map<number, tf.Tensor>();
  values.set((model.inputs[0] as SymbolicTensor).id, x);
  for (const node of graph.nodes) {
    if (isInput(node)) continue; // fed
    runNode(node, values);
  }
  return values;
}

/**
 * The model output with the tapped tensor replaced by `tapped`: only the nodes downstream of the
 * tap run again, the rest reuse `values` (skip connections from before the tap included).
 */
export function runFromTap(model: LayersModel, graph: TappedGraph, values: Map<number, tf.Tensor>, tapped: tf.Tensor): tf.Tensor {
  const local = new Map(values);
  local.set((graph.tapNode.outputTensors[0] as SymbolicTensor).id, tapped);
  for (const node of graph.nodes) {
    if (node === graph.tapNode || isInput(node)) continue;
    if (node.inputTensors.some((t) => graph.downstream.has(t.id))) runNode(node, local);
  }
  return local.get((model.outputs[0] as SymbolicTensor).id) as tf.Tensor;
}
