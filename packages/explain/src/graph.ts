import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { graphNodes, isInputNode, runNode, type GraphNode } from '@cxr/models';

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
    if (node !== tapNode && !isInputNode(node) && node.inputTensors.some((t) => downstream.has(t.id))) for (const t of node.outputTensors) downstream.add(t.id);
  }
  return { tapNode, nodes, downstream };
}

/**
 * Run the model in inference mode on `x`, returning every computed value by symbolic tensor id.
 * Call inside `tf.tidy`.
 */
export function runGraph(model: LayersModel, graph: TappedGraph, x: tf.Tensor): Map<number, tf.Tensor> {
  const values = new Map<number, tf.Tensor>();
  values.set((model.inputs[0] as SymbolicTensor).id, x);
  for (const node of graph.nodes) {
    if (isInputNode(node)) continue; // fed
    runNode(node, values, false);
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
    if (node === graph.tapNode || isInputNode(node)) continue;
    if (node.inputTensors.some((t) => graph.downstream.has(t.id))) runNode(node, local, false);
  }
  return local.get((model.outputs[0] as SymbolicTensor).id) as tf.Tensor;
}
