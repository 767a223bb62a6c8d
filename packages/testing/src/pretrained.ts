import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { PRETRAINED_PHANTOM_WEIGHTS } from './pretrained-weights.js';

/** What `pretrainedPhantomModel()` expects and predicts. */
export const PRETRAINED_PHANTOM = {
  /** Input images: [n, 32, 32, 3] float32 in [0, 1], like `phantomFixture()`. */
  inputShape: [32, 32, 3] as const,
  /** Softmax output order (ImageFolder order, like `phantomFixture()`'s classes). */
  classes: ['COVID19', 'NORMAL'] as const,
};

/**
 * The layers of the pretrained fixture: two strided conv + ReLU layers (5×5 and 3×3, stride 2)
 * and a dense softmax over the two phantom classes on the flattened 6×6×8 map (1,178 parameters);
 * flattening keeps *where* an opacity is, which is what separates the phantom classes. Randomly initialised; the committed
 * training script (`packages/testing/scripts/train-pretrained.ts`) trains this very graph.
 */
export function phantomModelArchitecture(seed = 0): tfl.Sequential {
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  return tfl.sequential({
    name: 'cxr_pretrained_phantom',
    layers: [
      tfl.layers.conv2d({ inputShape: [...PRETRAINED_PHANTOM.inputShape], filters: 4, kernelSize: 5, strides: 2, activation: 'relu', kernelInitializer: init(1), name: 'conv1' }),
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init(2), name: 'conv2' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: PRETRAINED_PHANTOM.classes.length, activation: 'softmax', kernelInitializer: init(3), name: 'probs' }),
    ],
  });
}

/** Float32 values from little-endian base64 (browser and Node alike: `atob` is global in both). */
function decodeFloat32(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/**
 * A tiny classifier already trained on the phantom set (COVID19 vs NORMAL, 32 × 32 RGB), for
 * downstream unit tests that need a model that *works* — evaluation, Grad-CAM, serving code —
 * without training one in the test. Weights ship inside the package (about 5 KB); each call
 * returns a new, independent model that the caller disposes.
 *
 *   const model = pretrainedPhantomModel();
 *   const { predictions, labels } = await predict(model, phantomFixture({ split: 'test' }));
 */
export function pretrainedPhantomModel(): tfl.LayersModel {
  const model = phantomModelArchitecture();
  const values = decodeFloat32(PRETRAINED_PHANTOM_WEIGHTS.data);
  let offset = 0;
  const weights = model.weights.map((w) => {
    const shape = w.shape as number[]; // weights are fully defined, unlike symbolic shapes
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(values.subarray(offset, offset + size), shape, 'float32');
    offset += size;
    return t;
  });
  if (offset !== values.length) {
    tf.dispose(weights);
    model.dispose();
    throw new Error(`pretrainedPhantomModel: the committed weights hold ${values.length} values, the architecture needs ${offset}; rerun scripts/train-pretrained.ts`);
  }
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}
