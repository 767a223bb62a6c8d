import type { Rng } from '@cxr/core';
import type { AugmentConfig } from './options.js';

/** One image's transform, in Keras' `get_random_transform` terms. */
export interface AffineParams {
  /** Rotation, degrees. */
  theta: number;
  /** Shift along rows (vertical), pixels. */
  tx: number;
  /** Shift along columns (horizontal), pixels. */
  ty: number;
  /** Shear, degrees. */
  shear: number;
  /** Zoom of the row axis (input/output ratio). */
  zx: number;
  /** Zoom of the column axis. */
  zy: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
}

export const IDENTITY_PARAMS: Readonly<AffineParams> = {
  theta: 0,
  tx: 0,
  ty: 0,
  shear: 0,
  zx: 1,
  zy: 1,
  flipHorizontal: false,
  flipVertical: false,
};

const shift = (range: number, size: number, u: number): number =>
  range === 0 ? 0 : (range < 1 ? range * size : range) * (2 * u - 1);

/**
 * Draw one image's parameters. Always consumes exactly 8 numbers from `rng` (in Keras' order:
 * theta, tx, ty, shear, zx, zy, horizontal flip, vertical flip), so image i of a batch gets the
 * same transform for a seed whatever the other options are, and on every backend.
 */
export function drawAffineParams(rng: Rng, config: AugmentConfig, height: number, width: number): AffineParams {
  const u = Array.from({ length: 8 }, () => rng.next());
  const sym = (r: number, v: number): number => (r === 0 ? 0 : r * (2 * v - 1));
  const [zlo, zhi] = config.zoomRange;
  const z = (v: number): number => (zlo === 1 && zhi === 1 ? 1 : zlo + (zhi - zlo) * v);
  return {
    theta: sym(config.rotationRange, u[0] as number),
    tx: shift(config.heightShiftRange, height, u[1] as number),
    ty: shift(config.widthShiftRange, width, u[2] as number),
    shear: sym(config.shearRange, u[3] as number),
    zx: z(u[4] as number),
    zy: z(u[5] as number),
    flipHorizontal: config.horizontalFlip && (u[6] as number) < 0.5,
    flipVertical: config.verticalFlip && (u[7] as number) < 0.5,
  };
}
