import { CxrError } from '@cxr/core';

/** A square side, or [height, width]. */
export type ImageSize = number | readonly [height: number, width: number];

/**
 * How `imageSize` is reached. 'cover' (default): torchvision `Resize` + `CenterCrop`, keeping the
 * aspect ratio. 'stretch': straight to exactly [height, width], ignoring the aspect ratio, like
 * Keras `flow_from_directory(target_size=…)` / `load_img(target_size=…)`.
 */
export type ResizeMode = 'cover' | 'stretch';

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** How to bring a width×height image to the requested size: resize (or not), then crop (or not). */
export interface ResizePlan {
  resize: { width: number; height: number } | null;
  crop: Rect | null;
  width: number;
  height: number;
}

/**
 * torchvision's `Resize(S)` + `CenterCrop(S)` for a number S: the shorter side becomes S, the longer
 * one `floor(S * long / short)`, then the centre S×S is cut out with torchvision's offsets
 * (`round((size - S) / 2)`, Python rounding: halves to even).
 * For [h, w]: scale to cover h×w keeping the aspect ratio, then cut out the centre h×w.
 * With mode 'stretch' (Keras `target_size`): resize to exactly h×w (S×S for a number), no crop.
 * Without a size the image keeps its own.
 */
export function resizePlan(width: number, height: number, size: ImageSize | undefined, mode: ResizeMode = 'cover'): ResizePlan {
  if (size === undefined) return { resize: null, crop: null, width, height };
  const [outH, outW] = checkImageSize(size);
  checkResizeMode(mode);
  if (mode === 'stretch') {
    const resize = outW === width && outH === height ? null : { width: outW, height: outH };
    return { resize, crop: null, width: outW, height: outH };
  }
  let w: number;
  let h: number;
  if (typeof size === 'number') {
    if (width <= height) {
      w = outW;
      h = Math.floor((outW * height) / width);
    } else {
      h = outH;
      w = Math.floor((outH * width) / height);
    }
  } else {
    const scale = Math.max(outH / height, outW / width);
    // The small epsilon keeps an exact fit (e.g. 2 × 112 = 224) from flooring to one pixel less.
    w = Math.max(outW, Math.floor(width * scale + 1e-9));
    h = Math.max(outH, Math.floor(height * scale + 1e-9));
  }
  const resize = w === width && h === height ? null : { width: w, height: h };
  const crop = w === outW && h === outH ? null : { left: roundHalfEven((w - outW) / 2), top: roundHalfEven((h - outH) / 2), width: outW, height: outH };
  return { resize, crop, width: outW, height: outH };
}

/** [height, width] of a valid image size, or an E_BAD_ARGUMENT that says what is allowed. */
export function checkImageSize(size: ImageSize): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 16384;
  if (!ok(h) || !ok(w) || (typeof size !== 'number' && size.length !== 2)) {
    throw new CxrError('E_BAD_ARGUMENT', `imageSize must be a whole number of pixels (e.g. 224) or [height, width] (e.g. [224, 224]), got ${JSON.stringify(size)}`);
  }
  return [h, w];
}

/** 'cover' or 'stretch', or an E_BAD_ARGUMENT that says so. */
export function checkResizeMode(mode: unknown): asserts mode is ResizeMode {
  if (mode !== 'cover' && mode !== 'stretch') {
    throw new CxrError('E_BAD_ARGUMENT', `resize must be 'cover' (keep the aspect ratio, centre crop) or 'stretch' (exactly imageSize, like Keras target_size), got ${JSON.stringify(mode)}`);
  }
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
