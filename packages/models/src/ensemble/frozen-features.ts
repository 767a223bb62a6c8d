import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * A frozen model used as one layer whose forward pass is *not recorded on the gradient tape*:
 * it runs inside `tf.customGrad` (ops inside a kernel are untaped) and passes back a zero
 * gradient. A frozen member's activations are then freed right after its forward pass instead
 * of living until the ensemble head's gradients are computed — without it, three large frozen
 * backbones (DenseNet201 + EfficientNetB7 + VGG16) exhaust wasm's 4 GB heap at batch 16.
 * The member's weights still count as (non-trainable) weights of the ensemble.
 */
export class FrozenFeatures extends tfl.layers.Layer {
  static readonly className = 'CxrFrozenFeatures';
  private readonly inner: tfl.LayersModel;

  constructor(inner: tfl.LayersModel, name: string) {
    super({ name, trainable: false });
    this.inner = inner;
  }

  override build(): void {
    // Expose the member's weights so countParams() and getWeights() see them.
    (this as unknown as { _nonTrainableWeights: unknown[] })._nonTrainableWeights = [...this.inner.weights];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return this.inner.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const forward = tf.customGrad(((input: tf.Tensor) => ({
      value: this.inner.apply(input, { training: false }) as tf.Tensor,
      gradFunc: () => tf.zerosLike(input),
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    return forward(x) as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), innerModel: this.inner.name };
  }
}

/** Apply `sub` (a frozen member or member trunk) to `input` without taping its forward pass. */
export function applyFrozen(sub: tfl.LayersModel, input: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
  return new FrozenFeatures(sub, `${name}_frozen`).apply(input) as tfl.SymbolicTensor;
}
