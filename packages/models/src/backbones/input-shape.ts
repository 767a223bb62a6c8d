import { CxrError } from '@cxr/core';

/**
 * Every backbone's input check: [height, width, channels] of positive integers with both sides at
 * least `minSide` (Keras' minimum for that architecture), else `E_BAD_ARGUMENT` saying so.
 */
export function checkInputShape(name: string, inputShape: unknown, minSide: number): asserts inputShape is [number, number, number] {
  const shape = inputShape as number[];
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((d) => Number.isInteger(d) && d >= 1) ||
    (shape[0] as number) < minSide ||
    (shape[1] as number) < minSide
  ) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `${name}: inputShape must be [height, width, channels] with integer sides ≥ ${minSide} and channels ≥ 1, got ${JSON.stringify(inputShape)}.`,
    );
  }
}
