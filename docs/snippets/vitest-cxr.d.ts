// Types for the cxr matchers in vitest: add this file to your test project once.
// #region usage
import 'vitest';

interface CxrMatchers<R = unknown> {
  /** Same shape and every |a − b| ≤ atol + rtol·|b| (numpy.allclose). */
  toBeCloseTensor(expected: unknown, tolerance?: number | { atol?: number; rtol?: number }): R;
  /** Shape equals `expected`; `null` matches any size. */
  toHaveShape(expected: readonly (number | null)[]): R;
}

declare module 'vitest' {
  interface Assertion<T = any> extends CxrMatchers<T> {}
  interface AsymmetricMatchersContaining extends CxrMatchers {}
}
// #endregion usage
