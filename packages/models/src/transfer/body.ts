import type * as tfl from '@tensorflow/tfjs-layers';

type Layer = tfl.LayersModel['layers'][number];

/** The backbone ("body") layers of models built by `transferModel`, by layer identity. */
const BODIES = new WeakMap<tfl.LayersModel, ReadonlySet<Layer>>();

/** Remember which layers of `model` are its body (called by `transferModel`). */
export function markBody(model: tfl.LayersModel, body: readonly Layer[]): void {
  BODIES.set(model, new Set(body));
}

/** The body layers `transferModel` recorded for `model`, if any (not kept across save/load). */
export function recordedBody(model: tfl.LayersModel): ReadonlySet<Layer> | undefined {
  return BODIES.get(model);
}
