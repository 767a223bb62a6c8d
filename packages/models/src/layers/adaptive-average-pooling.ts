import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

export interface AdaptiveAveragePooling2DArgs extends LayerArgs {
  /** Output height and width; one number means a square output (PyTorch `AdaptiveAvgPool2d(2)`). */
  outputSize: number | [number, number];
}

/**
 * The bins of PyTorch's adaptive pooling along one axis: bin i covers
 * [floor(i·size/out), ceil((i+1)·size/out)). Bins may overlap when `size` is not a multiple
 * of `out` (e.g. 5 → 2 gives [0,3) and [2,5)), which is why a plain avgPool cannot do this.
 */
export function adaptiveBins(size: number, out: number): Array<[start: number, end: number]> {
  const bins: Array<[number, number]> = [];
  for (let i = 0; i < out; i++) {
    bins.push([Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);
  }
  return bins;
}

/** Mean of each bin along `axis`, the bins stacked along that axis again. */
function poolAxis(x: tf.Tensor4D, axis: 1 | 2, out: number): tf.Tensor4D {
  const size = x.shape[axis];
  const means = adaptiveBins(size, out).map(([start, end]) => {
    const begin = [0, 0, 0, 0];
    const extent = [-1, -1, -1, -1];
    begin[axis] = start;
    extent[axis] = end - start;
    return tf.mean(tf.slice(x, begin, extent), axis, true) as tf.Tensor4D;
  });
  return means.length === 1 ? (means[0] as tf.Tensor4D) : tf.concat(means, axis);
}

/**
 * `torch.nn.AdaptiveAvgPool2d` for channels-last tensors, exact for any input size.
 *
 * Built from slices and means only, so it has a gradient on every backend (tfjs has no
 * adaptive pooling kernel). A rectangle's mean equals the mean over its rows of the mean over
 * its columns, so pooling rows then columns is the same as PyTorch's 2-D bins.
 */
export class AdaptiveAveragePooling2D extends tfl.layers.Layer {
  static className = 'AdaptiveAveragePooling2D';
  readonly outputSize: [number, number];

  constructor(args: AdaptiveAveragePooling2DArgs) {
    super(args);
    const size = typeof args.outputSize === 'number' ? [args.outputSize, args.outputSize] : args.outputSize;
    if (
      !Array.isArray(size) ||
      size.length !== 2 ||
      !size.every((s) => Number.isInteger(s) && s >= 1)
    ) {
      throw new Error(`AdaptiveAveragePooling2D: outputSize must be a positive integer or [h, w], got ${JSON.stringify(args.outputSize)}`);
    }
    this.outputSize = [size[0] as number, size[1] as number];
    this.inputSpec = [new tfl.InputSpec({ ndim: 4 })];
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0] ?? null, this.outputSize[0], this.outputSize[1], shape[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      return poolAxis(poolAxis(x, 1, this.outputSize[0]), 2, this.outputSize[1]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), outputSize: [...this.outputSize] };
  }
}

/** Functional form: `adaptiveAveragePooling2d({ outputSize: 2 })`, like the `tf.layers.*` factories. */
export function adaptiveAveragePooling2d(args: AdaptiveAveragePooling2DArgs): AdaptiveAveragePooling2D {
  return new AdaptiveAveragePooling2D(args);
}
