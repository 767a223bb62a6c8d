/**
 * Seeded pseudo-random numbers (sfc32, seeded through splitmix32) so every shuffle, split,
 * augmentation and initialisation can be reproduced. The state is a plain array so a
 * checkpoint can save and restore it.
 */
export type RngState = [number, number, number, number];

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Standard normal (Box-Muller). */
  normal(mean?: number, std?: number): number;
  /** Fisher-Yates shuffle of a copy of `items`. */
  shuffle<T>(items: readonly T[]): T[];
  /** A fresh 32-bit seed, e.g. to seed a child generator or a tfjs op. */
  seed(): number;
  getState(): RngState;
  setState(state: RngState): void;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new TypeError(`createRng: seed must be a finite number, got ${seed}`);
  const init = splitmix32(Math.floor(seed));
  let a = init();
  let b = init();
  let c = init();
  let d = init();

  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  // Warm up so that nearby seeds diverge.
  for (let i = 0; i < 12; i++) nextUint32();

  const next = (): number => nextUint32() / 4294967296;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    uniform: (min, max) => min + (max - min) * next(),
    normal(mean = 0, std = 1) {
      const u = 1 - next();
      const v = next();
      return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = out[i] as T;
        out[i] = out[j] as T;
        out[j] = tmp;
      }
      return out;
    },
    seed: () => nextUint32(),
    getState: () => [a, b, c, d],
    setState(state) {
      [a, b, c, d] = state;
    },
  };
}
