import { CxrError } from '@cxr/core';

/** How points outside the input are filled (Keras `fill_mode`, minus `'wrap'`). */
export type FillMode = 'nearest' | 'constant' | 'reflect';
export const FILL_MODES: readonly FillMode[] = ['nearest', 'constant', 'reflect'];

export type Interpolation = 'bilinear' | 'nearest';
export const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest'];

/**
 * Which resampler runs the warp. `'auto'` (default) uses tfjs' `Transform` kernel
 * (`tf.image.transform`) where it is registered and known to be correct for the call, and the
 * gather-based sampler otherwise; `'kernel'` and `'gather'` force one (tests, benchmarks).
 */
export type Sampler = 'auto' | 'kernel' | 'gather';
export const SAMPLERS: readonly Sampler[] = ['auto', 'kernel', 'gather'];

/**
 * Keras `ImageDataGenerator` augmentation options, same meaning and defaults. Everything is off
 * by default; with everything off the augmenter is the identity.
 */
export interface AugmentOptions {
  /** Degrees; each image is rotated by an angle uniform in [-r, r]. */
  rotationRange?: number;
  /**
   * A number z: each axis is scaled by its own factor uniform in [1 - z, 1 + z] (Keras draws
   * zx and zy independently); or [lo, hi] with 0 < lo ≤ hi. Factors are input/output ratios as
   * in Keras: < 1 zooms in, > 1 zooms out.
   */
  zoomRange?: number | readonly [number, number];
  /** < 1: fraction of the width; ≥ 1: pixels. Horizontal shift uniform in [-r, r]. */
  widthShiftRange?: number;
  /** < 1: fraction of the height; ≥ 1: pixels. Vertical shift uniform in [-r, r]. */
  heightShiftRange?: number;
  /** Degrees; shear angle uniform in [-r, r] (Keras `shear_range`). */
  shearRange?: number;
  /** Mirror left-right with probability 0.5. */
  horizontalFlip?: boolean;
  /** Mirror top-bottom with probability 0.5. */
  verticalFlip?: boolean;
  /** Keras default `'nearest'`. */
  fillMode?: FillMode;
  /** The fill value for `fillMode: 'constant'` (Keras `cval`), default 0. */
  cval?: number;
  /** Keras uses order-1 splines: `'bilinear'` (default). */
  interpolation?: Interpolation;
  sampler?: Sampler;
}

/** Options checked and with every default filled in. */
export interface AugmentConfig {
  rotationRange: number;
  zoomRange: [number, number];
  widthShiftRange: number;
  heightShiftRange: number;
  shearRange: number;
  horizontalFlip: boolean;
  verticalFlip: boolean;
  fillMode: FillMode;
  cval: number;
  interpolation: Interpolation;
  sampler: Sampler;
}

function bad(message: string): CxrError {
  return new CxrError('E_BAD_ARGUMENT', `randomAugment: ${message}`);
}

function range(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw bad(`${name} must be a finite number ≥ 0, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, name: string): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw bad(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw bad(`${name} must be a boolean, got ${JSON.stringify(value)}.`);
  return value;
}

function zoom(value: unknown): [number, number] {
  if (value === undefined) return [1, 1];
  let lohi: [number, number];
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw bad(`zoomRange must be a finite number ≥ 0 or [lo, hi], got ${value}.`);
    lohi = [1 - value, 1 + value];
  } else if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    lohi = [value[0] as number, value[1] as number];
  } else {
    throw bad(`zoomRange must be a number or [lo, hi], got ${JSON.stringify(value)}.`);
  }
  if (lohi[0] <= 0 || lohi[1] < lohi[0]) {
    throw bad(`zoomRange must give factors with 0 < lo ≤ hi, got [${lohi[0]}, ${lohi[1]}].`);
  }
  return lohi;
}

/** Check options and fill in Keras' defaults; every problem is an `E_BAD_ARGUMENT`. */
export function resolveAugmentOptions(options: AugmentOptions = {}): AugmentConfig {
  if (options === null || typeof options !== 'object') throw bad('options must be an object.');
  const cval = options.cval ?? 0;
  if (typeof cval !== 'number' || !Number.isFinite(cval)) throw bad(`cval must be a finite number, got ${JSON.stringify(cval)}.`);
  return {
    rotationRange: range(options.rotationRange, 'rotationRange'),
    zoomRange: zoom(options.zoomRange),
    widthShiftRange: range(options.widthShiftRange, 'widthShiftRange'),
    heightShiftRange: range(options.heightShiftRange, 'heightShiftRange'),
    shearRange: range(options.shearRange, 'shearRange'),
    horizontalFlip: flag(options.horizontalFlip, 'horizontalFlip'),
    verticalFlip: flag(options.verticalFlip, 'verticalFlip'),
    fillMode: oneOf(options.fillMode, FILL_MODES, 'nearest', 'fillMode'),
    cval,
    interpolation: oneOf(options.interpolation, INTERPOLATIONS, 'bilinear', 'interpolation'),
    sampler: oneOf(options.sampler, SAMPLERS, 'auto', 'sampler'),
  };
}

/** True when no option can move a pixel: the augmenter is the identity. */
export function isIdentityConfig(config: AugmentConfig): boolean {
  return (
    config.rotationRange === 0 &&
    config.zoomRange[0] === 1 &&
    config.zoomRange[1] === 1 &&
    config.widthShiftRange === 0 &&
    config.heightShiftRange === 0 &&
    config.shearRange === 0 &&
    !config.horizontalFlip &&
    !config.verticalFlip
  );
}
