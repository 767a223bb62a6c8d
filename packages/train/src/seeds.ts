import { createRng } from '@cxr/core';

/** Independent random streams of one training run. */
export const SeedStream = { shuffle: 1, dropout: 2, augment: 3 } as const;

/**
 * A seed for (run seed, stream, epoch), computed, not drawn from a running generator: epoch
 * `e` of a run gets the same shuffle and dropout masks whether the run started at epoch 0 or
 * was resumed at `e`.
 */
export function deriveSeed(seed: number, stream: number, index: number): number {
  const mixed = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  return createRng(mixed).seed();
}

/** A fresh random seed, for runs that did not ask for one (it is reported in the History). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x100000000);
}
