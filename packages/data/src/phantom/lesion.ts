import { assertArgument, createRng } from '@cxr/core';
import { findingForClass, type PhantomFinding } from './findings.js';
import { checkPhantomShape } from './image.js';
import { samplePhantom } from './params.js';
import { renderPhantom } from './render.js';

export interface PhantomLesionOptions {
  /** As `phantomImage`: a finding or a class name ('COVID19' → ground-glass). Default 'normal'. */
  finding?: PhantomFinding | string;
  /** As `phantomImage` (default 224). */
  size?: number;
  /** As `phantomImage` (default 0): the same seed describes the same image. */
  seed?: number;
  /** A pixel is lesion when the finding adds more than this to its grey value (default 0.05, on [0, 1]). */
  threshold?: number;
}

/** Where the finding of one phantom image is, in pixels (row-major, [size, size]). */
export interface PhantomLesion {
  width: number;
  height: number;
  /** What the finding's opacities (and effusion) add to each pixel's final grey value, ≥ 0. */
  contribution: Float32Array;
  /** 1 where `contribution > threshold`, else 0. */
  mask: Uint8Array;
  /** Pixels in the mask. */
  area: number;
  /** Bounding box of the mask, inclusive pixel indices; null for an empty mask (normal, cardiomegaly). */
  box: { x0: number; y0: number; x1: number; y1: number } | null;
}

/**
 * The lesion of `phantomImage(options)` — ground-glass hazes, a consolidation, an effusion —
 * as a per-pixel map and mask: the image is rendered twice from the same seed, with and without
 * the finding, and the difference is what the finding shows (after exposure, noise and clipping,
 * which are identical in both renders). For tests of localisation methods such as Grad-CAM.
 * An enlarged heart (cardiomegaly) is anatomy, not an added opacity: its mask is empty.
 */
export function phantomLesion(options: PhantomLesionOptions = {}): PhantomLesion {
  const size = options.size ?? 224;
  const seed = options.seed ?? 0;
  const threshold = options.threshold ?? 0.05;
  checkPhantomShape(size, 1);
  assertArgument(Number.isFinite(seed), `phantom seed must be a finite number, got ${seed}`);
  assertArgument(threshold >= 0 && threshold < 1, `lesion threshold must be in [0, 1), got ${threshold}`);
  const finding = findingForClass(options.finding ?? 'normal');
  const render = (withFinding: boolean): Float32Array => {
    const rng = createRng(seed);
    const params = samplePhantom(rng, finding);
    if (!withFinding) {
      params.opacities = [];
      params.effusion = null;
    }
    return renderPhantom(params, size, rng);
  };
  const full = render(true);
  const clear = render(false);
  const contribution = new Float32Array(size * size);
  const mask = new Uint8Array(size * size);
  let area = 0;
  let box: PhantomLesion['box'] = null;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const k = j * size + i;
      const c = Math.max(0, (full[k] as number) - (clear[k] as number));
      contribution[k] = c;
      if (c > threshold) {
        mask[k] = 1;
        area++;
        if (box === null) box = { x0: i, y0: j, x1: i, y1: j };
        else {
          box.x0 = Math.min(box.x0, i);
          box.x1 = Math.max(box.x1, i);
          box.y0 = Math.min(box.y0, j);
          box.y1 = Math.max(box.y1, j);
        }
      }
    }
  }
  return { width: size, height: size, contribution, mask, area, box };
}
