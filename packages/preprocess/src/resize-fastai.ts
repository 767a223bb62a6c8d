import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { resizeTo, type ResizeOptions } from './resize.js';
import { asBatch, spatialSize, toSize, type ImageTensor } from './image-tensor.js';

export interface ResizeFastaiOptions {
  /** Interpolation of the final resize: 'bilinear' (default) or 'nearest' (masks). */
  interpolation?: 'bilinear' | 'nearest';
  /**
   * fastai's `ResizeMethod` (default 'crop'):
   * - 'crop': the largest window with the target's aspect ratio, centred (fastai's validation-time crop),
   *   resized to the target — for a square target, the centre square of side min(h, w);
   * - 'squish': stretch the whole image to the target, aspect ratio not kept;
   * - 'pad': the smallest window with the target's aspect ratio that holds the whole image, centred,
   *   the outside filled by `padMode`, resized to the target (letterbox).
   */
  method?: 'crop' | 'squish' | 'pad';
  /** fastai's `PadMode` for 'pad' (default 'reflection', as fastai): 'zeros', 'reflection', 'border' (repeat the edge pixel). */
  padMode?: 'zeros' | 'reflection' | 'border';
}

/** Pad one axis (1 = rows, 2 = columns) of a batch by `before`/`after` pixels. */
function padAxis(x: tf.Tensor4D, axis: 1 | 2, before: number, after: number, mode: 'zeros' | 'reflection' | 'border'): tf.Tensor4D {
  if (before === 0 && after === 0) return x;
  const paddings: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
  if (mode === 'zeros') {
    paddings[axis] = [before, after];
    return tf.pad(x, paddings);
  }
  if (mode === 'reflection') {
    // tf.mirrorPad 'reflect' needs padding < size: reflect repeatedly for very elongated images.
    let b = before;
    let a = after;
    while (b > 0 || a > 0) {
      const size = x.shape[axis] - 1;
      if (size < 1) {
        return padAxis(x, axis, b, a, 'border');
      }
      const pb = Math.min(b, size);
      const pa = Math.min(a, size);
      const p: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
      p[axis] = [pb, pa];
      x = tf.mirrorPad(x, p, 'reflect');
      b -= pb;
      a -= pa;
    }
    return x;
  }
  const size = x.shape[axis];
  const begin = [0, 0, 0, 0];
  const edge = [-1, -1, -1, -1];
  edge[axis] = 1;
  const first = tf.slice(x, begin, edge);
  begin[axis] = size - 1;
  const last = tf.slice(x, begin, edge);
  const reps = (k: number): number[] => [1, axis === 1 ? k : 1, axis === 2 ? k : 1, 1];
  const parts: tf.Tensor4D[] = [];
  if (before > 0) parts.push(tf.tile(first, reps(before)) as tf.Tensor4D);
  parts.push(x);
  if (after > 0) parts.push(tf.tile(last, reps(after)) as tf.Tensor4D);
  return tf.concat(parts, axis);
}

/**
 * fastai's `Resize(size, method)` as applied at validation (centred, `pcts = (0.5, 0.5)`), the transform behind
 * `ImageDataBunch.from_folder(..., size=224)` / `item_tfms=Resize(224)`. `size` is S (→ S × S) or [height, width].
 * Window sizes and offsets follow fastai v2: window = ⌊m · target⌋ with m the smaller ('crop') or larger ('pad')
 * of h / height and w / width, offset ⌊(side − window) / 2⌋ truncated toward zero, then bilinear resize.
 * fastai v1's crop resizes first and crops after: the same window, up to interpolation at the borders.
 * Training-time random crops (`RandomResizedCrop`, `pcts` random) are `randomAugment`'s job.
 */
export function resizeFastai<T extends ImageTensor>(image: T, size: number | readonly [number, number], options: ResizeFastaiOptions = {}): T {
  const target = toSize(size, 'resizeFastai');
  const method = options.method ?? 'crop';
  const padMode = options.padMode ?? 'reflection';
  if (method !== 'crop' && method !== 'squish' && method !== 'pad') {
    throw new CxrError('E_BAD_ARGUMENT', `resizeFastai: method must be 'crop', 'squish' or 'pad', got ${JSON.stringify(method)}.`);
  }
  if (padMode !== 'zeros' && padMode !== 'reflection' && padMode !== 'border') {
    throw new CxrError('E_BAD_ARGUMENT', `resizeFastai: padMode must be 'zeros', 'reflection' or 'border', got ${JSON.stringify(padMode)}.`);
  }
  const interp: ResizeOptions = { method: options.interpolation ?? 'bilinear' };
  return asBatch(image, 'resizeFastai', (batch) => {
    if (method === 'squish') return resizeTo(batch, target, interp);
    const [h, w] = spatialSize(batch);
    const [th, tw] = target;
    const rh = h / th;
    const rw = w / tw;
    const m = method === 'crop' ? Math.min(rh, rw) : Math.max(rh, rw);
    const wh = Math.max(1, Math.trunc(m * th));
    const ww = Math.max(1, Math.trunc(m * tw));
    const top = Math.trunc(0.5 * (h - wh));
    const left = Math.trunc(0.5 * (w - ww));
    let x = batch;
    if (method === 'crop') {
      x = tf.slice(x, [0, top, left, 0], [-1, wh, ww, -1]);
    } else {
      x = padAxis(x, 1, -top, wh - h + top, padMode);
      x = padAxis(x, 2, -left, ww - w + left, padMode);
    }
    return resizeTo(x, target, interp);
  });
}
