import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

export interface KerasNormalizationArgs extends LayerArgs {
  /** Axis holding the features that get their own mean/variance; default -1 (channels last). */
  axis?: number;
  /** Initial per-feature mean (default 0: identity until weights are loaded / set). */
  mean?: number[];
  /** Initial per-feature variance (default 1). */
  variance?: number[];
}

/** Keras' `backend.epsilon()`, the floor of the standard deviation in `Normalization.call`. */
const EPSILON = 1e-7;

/**
 * Keras `layers.Normalization(axis=-1)` as used in the EfficientNet stem (TF ≥ 2.3):
 * `(x − mean) / max(√variance, 1e-7)` per feature of `axis`. Like Keras it owns three
 * **non-trainable** weights, `mean` (c,), `variance` (c,) and `count` () (int32 here, int64 in
 * Keras), so a 3-channel input adds 3 + 3 + 1 = **7** parameters to the count Keras reports.
 * Without `adapt` or loaded weights (Keras `weights=None`) mean is 0 and variance 1: identity.
 * tfjs has no `Normalization` layer; this one serialises under Keras' class name `Normalization`
 * (register it with `registerKerasNormalization()` before deserialising). No `adapt`: statistics
 * come from loaded weights or the `mean` / `variance` arguments.
 */
export class KerasNormalization extends tfl.layers.Layer {
  static className = 'Normalization';
  readonly axis: number;
  private readonly initialMean: number[] | undefined;
  private readonly initialVariance: number[] | undefined;
  private meanWeight?: tfl.LayerVariable;
  private varianceWeight?: tfl.LayerVariable;

  constructor(args: KerasNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) {
      throw new Error(`Normalization: axis must be an integer, got ${String(args.axis)}`);
    }
    this.initialMean = args.mean ? [...args.mean] : undefined;
    this.initialVariance = args.variance ? [...args.variance] : undefined;
    this.trainable = false;
  }

  private featureAxis(rank: number): number {
    const a = this.axis < 0 ? rank + this.axis : this.axis;
    if (a < 1 || a >= rank) throw new Error(`Normalization: axis ${this.axis} out of range for rank ${rank}`);
    return a;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const features = shape[this.featureAxis(shape.length)];
    if (typeof features !== 'number') throw new Error('Normalization: the feature axis must have a known size');
    for (const [label, init] of [
      ['mean', this.initialMean],
      ['variance', this.initialVariance],
    ] as const) {
      if (init && init.length !== features) {
        throw new Error(`Normalization: ${label} has ${init.length} values for ${features} features`);
      }
    }
    this.meanWeight = this.addWeight('mean', [features], 'float32', tfl.initializers.zeros(), undefined, false);
    this.varianceWeight = this.addWeight('variance', [features], 'float32', tfl.initializers.ones(), undefined, false);
    for (const [weight, values] of [
      [this.meanWeight, this.initialMean],
      [this.varianceWeight, this.initialVariance],
    ] as const) {
      if (!values) continue;
      const t = tf.tensor1d(values, 'float32');
      weight.write(t);
      t.dispose();
    }
    this.addWeight('count', [], 'int32', tfl.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
      const axis = this.featureAxis(x.rank);
      const bshape = x.shape.map((d, i) => (i === axis ? d : 1));
      const mean = tf.reshape((this.meanWeight as tfl.LayerVariable).read(), bshape);
      const std = tf.reshape(tf.maximum(tf.sqrt((this.varianceWeight as tfl.LayerVariable).read()), EPSILON), bshape);
      return tf.div(tf.sub(x, mean), std);
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), axis: this.axis };
    if (this.initialMean) config['mean'] = [...this.initialMean];
    if (this.initialVariance) config['variance'] = [...this.initialVariance];
    return config;
  }
}

/** Functional form, like the `tf.layers.*` factories. */
export function kerasNormalization(args: KerasNormalizationArgs = {}): KerasNormalization {
  return new KerasNormalization(args);
}

/** Make `Normalization` known to tfjs deserialisation (idempotent). */
export function registerKerasNormalization(): void {
  tf.serialization.registerClass(KerasNormalization);
}
