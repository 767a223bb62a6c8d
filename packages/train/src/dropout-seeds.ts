import type * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '@cxr/core';

type Layer = tfl.LayersModel['layers'][number];
/** tfjs Dropout keeps its seed in a field that its `call` passes to `tf.dropout` on every step. */
type SeedableDropout = Layer & { seed?: number | undefined; rate: number };

function collect(layers: readonly Layer[], into: SeedableDropout[]): SeedableDropout[] {
  for (const layer of layers) {
    const nested = (layer as Layer & { layers?: Layer[] }).layers;
    if (Array.isArray(nested)) collect(nested, into);
    else if (typeof (layer as SeedableDropout).rate === 'number' && 'seed' in layer) into.push(layer as SeedableDropout);
  }
  return into;
}

/**
 * Makes dropout reproducible. An unseeded tfjs Dropout draws its mask from Math.random; a
 * seeded one reuses the *same* mask on every step. So during training each Dropout layer
 * (nested models included) gets a fresh seed from the run's generator before every step,
 * and its own seed back when training ends.
 */
export class DropoutSeeder {
  private readonly layers: SeedableDropout[];
  private readonly original: Array<number | undefined>;

  constructor(model: tfl.LayersModel) {
    this.layers = collect(model.layers, []);
    this.original = this.layers.map((l) => l.seed);
  }

  reseed(rng: Rng): void {
    for (const layer of this.layers) layer.seed = rng.seed();
  }

  restore(): void {
    this.layers.forEach((layer, i) => (layer.seed = this.original[i]));
  }
}
