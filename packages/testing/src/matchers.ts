import * as tf from '@tensorflow/tfjs-core';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

type TensorLike = tf.Tensor | number | number[] | number[][] | number[][][] | number[][][][];

const valuesOf = (x: TensorLike): { shape: number[]; data: number[] } => {
  if (x instanceof tf.Tensor) return { shape: x.shape, data: Array.from(x.dataSync()) };
  const t = tf.tensor(x as number[]);
  const out = { shape: t.shape, data: Array.from(t.dataSync()) };
  t.dispose();
  return out;
};

/**
 * `expect(t).toBeCloseTensor(expected, tolerance)`: same shape, every |a − b| ≤ atol + rtol·|b|
 * (numpy.allclose), reports the worst element. Pass `{ atol, rtol }` or a single atol number.
 */
export function toBeCloseTensor(received: TensorLike, expected: TensorLike, tolerance: number | { atol?: number; rtol?: number } = {}): MatcherResult {
  const { atol = 1e-5, rtol = 1e-5 } = typeof tolerance === 'number' ? { atol: tolerance, rtol: 0 } : tolerance;
  const a = valuesOf(received);
  const b = valuesOf(expected);
  if (a.shape.join(',') !== b.shape.join(',')) {
    return { pass: false, message: () => `expected shape [${b.shape}], got [${a.shape}]` };
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!;
    const y = b.data[i]!;
    const excess = Number.isNaN(x) !== Number.isNaN(y) ? Infinity : Number.isNaN(x) ? 0 : Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  const pass = worst < 0;
  return {
    pass,
    message: () =>
      pass
        ? `expected tensors to differ beyond atol ${atol}, rtol ${rtol}, but they are close`
        : `element ${worst}: ${a.data[worst]} vs ${b.data[worst]} (|diff| ${Math.abs(a.data[worst]! - b.data[worst]!)} > atol ${atol} + rtol ${rtol}·|expected|)`,
  };
}

/** `expect(t).toHaveShape([n, h, w, c])`; `null` in the expected shape matches any size. */
export function toHaveShape(received: tf.Tensor, expected: readonly (number | null)[]): MatcherResult {
  const shape = received.shape;
  const pass = shape.length === expected.length && expected.every((d, i) => d === null || d === shape[i]);
  return {
    pass,
    message: () => (pass ? `expected shape not to be [${expected}]` : `expected shape [${expected}], got [${shape}]`),
  };
}

/** Pass to `expect.extend(cxrMatchers)` in vitest or Jest. */
export const cxrMatchers = { toBeCloseTensor, toHaveShape };
