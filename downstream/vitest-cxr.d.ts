// Types for @cxr/testing's matchers in vitest (the same file the docs tell users to add).
import 'vitest';

interface CxrMatchers<R = unknown> {
  toBeCloseTensor(expected: unknown, tolerance?: number | { atol?: number; rtol?: number }): R;
  toHaveShape(expected: readonly (number | null)[]): R;
}

declare module 'vitest' {
  interface Assertion<T = any> extends CxrMatchers<T> {}
  interface AsymmetricMatchersContaining extends CxrMatchers {}
}
