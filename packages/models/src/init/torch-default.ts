import * as tfl from '@tensorflow/tfjs-layers';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

export interface TorchDefaultInit {
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
}

/**
 * PyTorch's default initialisation of `nn.Conv2d` / `nn.Linear`: `kaiming_uniform_(a=√5)` for
 * the weight, which works out to U(±1/√fanIn), and U(±1/√fanIn) for the bias.
 *
 * The weight uses VarianceScaling(scale ⅓, fanIn, uniform): limit = √(3·⅓/fanIn) = 1/√fanIn,
 * and tfjs computes fanIn = kh·kw·cin from the kernel shape exactly like PyTorch. The bias
 * shape carries no fan-in, so its bound is passed explicitly. Same distributions as PyTorch,
 * not the same random stream.
 *
 * @param fanIn inputs per output unit: kh·kw·cin for a convolution, in-features for a dense layer
 * @param seeds two seeds (kernel, bias); leave undefined for unseeded initialisation
 */
export function torchDefaultInit(fanIn: number, seeds?: readonly [number, number]): TorchDefaultInit {
  const bound = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tfl.initializers.varianceScaling({
      scale: 1 / 3,
      mode: 'fanIn',
      distribution: 'uniform',
      ...(seeds ? { seed: seeds[0] } : {}),
    }),
    biasInitializer: tfl.initializers.randomUniform({
      minval: -bound,
      maxval: bound,
      ...(seeds ? { seed: seeds[1] } : {}),
    }),
  };
}
