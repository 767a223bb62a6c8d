import { CxrError } from '@cxr/core';

/** VOI LUT Function (0028,1056): how a window maps values to the display range (PS3.3 C.11.2.1.3). */
export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/** A window: center/width in modality units (after rescale), and the function that applies it. */
export interface DicomWindow {
  center: number;
  width: number;
  /** Default 'LINEAR', DICOM's default. */
  function?: VoiFunction;
}

/** A lookup table as DICOM stores it (LUT Descriptor + LUT Data): used for VOI and modality LUTs. */
export interface DicomLut {
  /** The input value mapped to `data[0]`; inputs below map to the first entry, above the last to the last. */
  firstMapped: number;
  /** Bits per entry (LUT Descriptor's third value): entries lie in [0, 2^bits - 1]. */
  bits: number;
  data: Uint16Array;
}

/** Modality LUT by rescale: stored value · slope + intercept (PS3.3 C.11.1.1.2). */
export function rescale(stored: Int32Array, slope: number, intercept: number): Float32Array {
  const out = new Float32Array(stored.length);
  for (let i = 0; i < stored.length; i++) out[i] = (stored[i] as number) * slope + intercept;
  return out;
}

/** Look every value up in `lut` (values are rounded to the nearest integer index first). */
export function applyLut(values: ArrayLike<number>, lut: DicomLut): Float32Array {
  const out = new Float32Array(values.length);
  const last = lut.data.length - 1;
  for (let i = 0; i < values.length; i++) {
    const index = Math.round((values[i] as number) - lut.firstMapped);
    out[i] = lut.data[index < 0 ? 0 : index > last ? last : index] as number;
  }
  return out;
}

/**
 * Window `values` into [0, 1] (in place) with DICOM's formulas, PS3.3 C.11.2.1.2 (LINEAR,
 * LINEAR_EXACT) and C.11.2.1.3.1 (SIGMOID), taking y_min = 0 and y_max = 1.
 */
export function applyWindow(values: Float32Array, window: DicomWindow): Float32Array {
  const { center: c, width: w } = window;
  const fn = window.function ?? 'LINEAR';
  if (!Number.isFinite(c) || !Number.isFinite(w) || (fn === 'LINEAR' ? w < 1 : w <= 0)) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `A DICOM window needs a finite center and a width ${fn === 'LINEAR' ? '≥ 1' : '> 0'} (${fn}); got center ${c}, width ${w}.`,
    );
  }
  if (fn === 'LINEAR') {
    const low = c - 0.5 - (w - 1) / 2;
    const high = c - 0.5 + (w - 1) / 2;
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number;
      values[i] = x <= low ? 0 : x > high ? 1 : (x - (c - 0.5)) / (w - 1) + 0.5;
    }
  } else if (fn === 'LINEAR_EXACT') {
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number;
      values[i] = x <= c - w / 2 ? 0 : x > c + w / 2 ? 1 : (x - c) / w + 0.5;
    }
  } else {
    for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp((-4 * ((values[i] as number) - c)) / w));
  }
  return values;
}

/** Stretch min..max of `values` to [0, 1] in place (all zeros for a constant image); returns the range. */
export function stretchMinMax(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? 1 / (max - min) : 0;
  for (let i = 0; i < values.length; i++) values[i] = ((values[i] as number) - min) * scale;
  return { min, max };
}
