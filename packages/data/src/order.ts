import { createRng } from '@cxr/core';

/**
 * How a view orders the catalog's items. A shuffle owns its pass counter, shared by every view
 * made from it, so `ds.shuffle(1)` re-batched each epoch still gets a new order each epoch.
 */
export type OrderOp =
  | { kind: 'shuffle'; seed: number; passes: { next: number } }
  | { kind: 'take'; n: number }
  /** A fixed list of catalog items (a split part); it replaces the order built so far. */
  | { kind: 'select'; indices: readonly number[] };

/** Seed of pass `pass` of a shuffle: pass 0 uses `seed` itself; later passes mix in the index. */
export function passSeed(seed: number, pass: number): number {
  // XOR with a golden-ratio multiple rather than `seed + pass`, so that runs seeded 1, 2, 3 do not
  // replay each other's epochs shifted by one.
  return (seed ^ Math.imul(pass, 0x9e3779b9)) >>> 0;
}

/** Claim the next pass index of every shuffle in `ops` (call once per pass). */
export function startPass(ops: readonly OrderOp[]): number[] {
  return ops.map((op) => (op.kind === 'shuffle' ? op.passes.next++ : 0));
}

/** Pass indices the next pass will get, without claiming them. */
export function peekPass(ops: readonly OrderOp[]): number[] {
  return ops.map((op) => (op.kind === 'shuffle' ? op.passes.next : 0));
}

/**
 * Item indices of one pass. Shuffles permute all items (usable or not) so a file skipped later
 * does not change where the others land; `take` counts usable items only.
 */
export function passOrder(ops: readonly OrderOp[], passes: readonly number[], total: number, isAlive: (i: number) => boolean): number[] {
  let order = Array.from({ length: total }, (_, i) => i);
  ops.forEach((op, k) => {
    if (op.kind === 'shuffle') order = createRng(passSeed(op.seed, passes[k] ?? 0)).shuffle(order);
    else if (op.kind === 'select') order = [...op.indices];
    else order = order.filter(isAlive).slice(0, op.n);
  });
  return order.filter(isAlive);
}

/** Number of items a pass yields, without building the order. */
export function passSize(ops: readonly OrderOp[], aliveCount: number, isAlive: (i: number) => boolean): number {
  return ops.reduce((n, op) => (op.kind === 'take' ? Math.min(n, op.n) : op.kind === 'select' ? op.indices.filter(isAlive).length : n), aliveCount);
}
