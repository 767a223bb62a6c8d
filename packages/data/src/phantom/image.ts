import { assertArgument, createRng } from '@cxr/core';
import type { RawImage } from '../types.js';
import { findingForClass, type PhantomFinding } from './findings.js';
import { samplePhantom } from './params.js';
import { renderPhantom } from './render.js';

export interface PhantomImageOptions {
  /** A finding, or a class name that maps to one ('NORMAL', 'COVID19', 'PNEUMONIA', …). Default 'normal'. */
  finding?: PhantomFinding | string;
  /** Width and height in pixels (default 224). */
  size?: number;
  /** 1 = grayscale, 3 = the gray value in R, G and B (default 3, like torchvision's ImageFolder). */
  channels?: 1 | 3;
  /** Same seed, same pixels (default 0). */
  seed?: number;
}

/**
 * One synthetic chest X-ray look-alike: body, lungs, ribs, clavicles, spine, heart, plus the
 * finding's opacities, with seeded variation of pose, anatomy, exposure and noise.
 * Float32 pixels in [0, 1], row-major [size, size, channels]. Not a medical image.
 */
export function phantomImage(options: PhantomImageOptions = {}): RawImage {
  const size = options.size ?? 224;
  const channels = options.channels ?? 3;
  const seed = options.seed ?? 0;
  checkPhantomShape(size, channels);
  assertArgument(Number.isFinite(seed), `phantom seed must be a finite number, got ${seed}`);
  const finding = findingForClass(options.finding ?? 'normal');
  const rng = createRng(seed);
  const gray = renderPhantom(samplePhantom(rng, finding), size, rng);
  return { data: channels === 1 ? gray : tileChannels(gray, channels), width: size, height: size, channels };
}

function tileChannels(gray: Float32Array, channels: number): Float32Array {
  const out = new Float32Array(gray.length * channels);
  for (let k = 0; k < gray.length; k++) {
    const v = gray[k] as number;
    for (let c = 0; c < channels; c++) out[k * channels + c] = v;
  }
  return out;
}

export function checkPhantomShape(size: number, channels: number): void {
  assertArgument(Number.isInteger(size) && size >= 8 && size <= 4096, `phantom size must be an integer in [8, 4096], got ${size}`);
  assertArgument(channels === 1 || channels === 3, `phantom channels must be 1 or 3, got ${String(channels)}`);
}
