/**
 * The benchmarked networks, defined once for tfjs here and once for PyTorch in
 * reference_torch.py (same layers, same parameter counts, same losses, same optimiser).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { covidCnn, createBackbone, getBackbone, lungClassifier } from '../packages/models/src/index.js';

/** 'A', 'B', or a backbone name from @cxr/models (`mobilenetv2`, `resnet50`, …). */
export type ModelId = string;
export type Phase = 'train' | 'infer';

export interface BenchModel {
  id: ModelId;
  title: string;
  /** [height, width, channels] of one image. */
  shape: [number, number, number];
  params: number;
  /** Batch per phase, as in the articles / the reference figures. */
  batch: Record<Phase, number>;
  /** Largest training slice run at once (gradients accumulate over slices): wasm's heap is 4 GiB. */
  microBatch: number;
  /** ≈ FLOPs of one training image (forward + backward), for the %-of-peak column; 0 = unknown. */
  trainFlopsPerImage: number;
  build(): tfl.LayersModel;
  /** Mean loss of a batch from the model's raw output. */
  loss(output: tf.Tensor, labels: tf.Tensor): tf.Scalar;
  /** Labels for a batch of n. */
  labels(n: number): tf.Tensor;
  /** What inference returns to the caller (probabilities). */
  finish(output: tf.Tensor): tf.Tensor;
}

/** 2·(multiply-adds) of a valid 3×3 conv; ×3 for forward + both gradients. */
const convFlops = (h: number, w: number, ci: number, co: number, k: number) => 2 * (h - k + 1) * (w - k + 1) * ci * co * k * k;
const modelATrainFlops =
  3 * (convFlops(224, 224, 3, 32, 3) + convFlops(222, 222, 32, 64, 3) + convFlops(110, 110, 64, 128, 3));

export const MODELS: Record<'A' | 'B', BenchModel> = {
  A: {
    id: 'A',
    title: 'seed 000 CNN (covidCnn) 224×224×3',
    shape: [224, 224, 3],
    params: 126_145,
    batch: { train: 32, infer: 32 },
    microBatch: 8,
    trainFlopsPerImage: modelATrainFlops,
    build: () => covidCnn({ inputShape: [224, 224, 3], seed: 1 }),
    loss: (out, y) => tf.losses.sigmoidCrossEntropy(y, out) as tf.Scalar,
    labels: (n) => tf.tensor2d(Array.from({ length: n }, (_, i) => i % 2), [n, 1]),
    finish: (out) => tf.sigmoid(out),
  },
  B: {
    id: 'B',
    title: 'seed 004 LungClassifier 512×512×1',
    shape: [512, 512, 1],
    params: 82_923,
    batch: { train: 16, infer: 16 },
    microBatch: 16,
    trainFlopsPerImage: 0,
    build: () => lungClassifier({ inputShape: [512, 512, 1], numClasses: 3, seed: 1 }),
    // The model ends in softmax (Keras from_logits=False): categorical cross-entropy on probabilities.
    loss: (out, y) => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(out, 1e-7, 1))), -1))) as tf.Scalar,
    labels: (n) => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32'), 3),
    finish: (out) => out,
  },
};

/**
 * A backbone (Keras application without top, from @cxr/models) with a global-average-pool and a
 * one-logit dense head, at 224×224×3. The PyTorch side uses torchvision's model of the same
 * name: the same architecture, not always the same parameter count (Keras' ResNet50 has conv
 * biases, torchvision's not), so both counts are reported.
 */
export function backboneModel(name: string): BenchModel {
  const spec = getBackbone(name);
  const shape = spec.defaultInputShape as [number, number, number];
  let features = 0;
  return {
    id: name,
    title: `${spec.keras} backbone + GAP + dense(1), ${shape.join('×')}`,
    shape,
    get params() {
      return spec.kerasParams + features + 1;
    },
    batch: { train: 16, infer: 32 },
    microBatch: 8,
    trainFlopsPerImage: 0,
    build: () => {
      const base = createBackbone(name, { seed: 1 });
      features = base.outputs[0]!.shape[3] as number;
      const pooled = tfl.layers.globalAveragePooling2d({}).apply(base.outputs[0]!) as tfl.SymbolicTensor;
      const logit = tfl.layers.dense({ units: 1 }).apply(pooled) as tfl.SymbolicTensor;
      return tfl.model({ inputs: base.inputs, outputs: logit });
    },
    loss: MODELS.A.loss,
    labels: MODELS.A.labels,
    finish: MODELS.A.finish,
  };
}

/** 'A', 'B' or a backbone name. */
export function benchModel(id: ModelId): BenchModel {
  return id === 'A' || id === 'B' ? MODELS[id] : backboneModel(id);
}
