import type * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import { readGray8, saturateU8, writeGray8 } from './gray8.js';

export interface ClaheOptions {
  /** Contrast limit per bin, relative to a uniform histogram (OpenCV's `clipLimit`, default 40). Must be > 0. */
  clipLimit?: number;
  /**
   * Number of tiles as OpenCV's `tileGridSize` Size: **[columns, rows]** (default [8, 8]), so
   * `cv2.createCLAHE(2.0, (4, 6))` is `clahe(x, { clipLimit: 2, tileGridSize: [4, 6] })`.
   * A single number means the same count both ways.
   */
  tileGridSize?: number | readonly [number, number];
}

const f32 = Math.fround;
const HIST = 256;

/** OpenCV `borderInterpolate(p, len, BORDER_REFLECT_101)`: …c b | a b c d | c b a… */
function reflect101(p: number, len: number): number {
  if (len === 1) return 0;
  while (p < 0 || p >= len) p = p < 0 ? -p : 2 * len - 2 - p;
  return p;
}

/** One image: a port of OpenCV 4's CLAHE_Impl::apply for CV_8UC1 (clahe.cpp). */
function claheOne(src: Uint8Array, dst: Uint8Array, h: number, w: number, clipLimit: number, tilesX: number, tilesY: number): void {
  // Tiles: if the size is not divisible by the grid, OpenCV pads bottom/right with reflect-101
  // by (tiles − size % tiles) in *both* directions (a full extra tile where one is divisible).
  let ext = src;
  let extW = w;
  let extH = h;
  if (!(w % tilesX === 0 && h % tilesY === 0)) {
    extH = h + tilesY - (h % tilesY);
    extW = w + tilesX - (w % tilesX);
    ext = new Uint8Array(extH * extW);
    for (let y = 0; y < extH; y++) {
      const sy = reflect101(y, h) * w;
      for (let x = 0; x < extW; x++) ext[y * extW + x] = src[sy + reflect101(x, w)] as number;
    }
  }
  const tileW = extW / tilesX;
  const tileH = extH / tilesY;
  const tileArea = tileW * tileH;
  const lutScale = f32(255 / tileArea);
  const clip = Math.max(Math.trunc((clipLimit * tileArea) / HIST), 1);

  // Per-tile LUTs: histogram, clip, redistribute (batch + residual step), scaled CDF.
  const luts = new Uint8Array(tilesX * tilesY * HIST);
  const hist = new Int32Array(HIST);
  for (let ty = 0; ty < tilesY; ty++) {
    for (let tx = 0; tx < tilesX; tx++) {
      hist.fill(0);
      for (let y = ty * tileH; y < (ty + 1) * tileH; y++) {
        const row = y * extW;
        for (let x = tx * tileW; x < (tx + 1) * tileW; x++) hist[ext[row + x] as number]!++;
      }
      let clipped = 0;
      for (let i = 0; i < HIST; i++) {
        const v = hist[i] as number;
        if (v > clip) {
          clipped += v - clip;
          hist[i] = clip;
        }
      }
      const batch = Math.trunc(clipped / HIST);
      let residual = clipped - batch * HIST;
      for (let i = 0; i < HIST; i++) hist[i]! += batch;
      if (residual !== 0) {
        const step = Math.max(Math.trunc(HIST / residual), 1);
        for (let i = 0; i < HIST && residual > 0; i += step, residual--) hist[i]!++;
      }
      const lut = (ty * tilesX + tx) * HIST;
      let sum = 0;
      for (let i = 0; i < HIST; i++) {
        sum += hist[i] as number;
        luts[lut + i] = saturateU8(f32(sum * lutScale));
      }
    }
  }

  // Bilinear interpolation between the LUTs of the four nearest tile centres (float32 math as in OpenCV).
  const invTw = f32(1 / tileW);
  const invTh = f32(1 / tileH);
  const ind1 = new Int32Array(w);
  const ind2 = new Int32Array(w);
  const xa = new Float32Array(w);
  const xa1 = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const txf = f32(f32(x * invTw) - 0.5);
    const tx1 = Math.floor(txf);
    xa[x] = f32(txf - tx1);
    xa1[x] = f32(1 - (xa[x] as number));
    ind1[x] = Math.max(tx1, 0) * HIST;
    ind2[x] = Math.min(tx1 + 1, tilesX - 1) * HIST;
  }
  for (let y = 0; y < h; y++) {
    const tyf = f32(f32(y * invTh) - 0.5);
    let ty1 = Math.floor(tyf);
    const ya = f32(tyf - ty1);
    const ya1 = f32(1 - ya);
    const ty2 = Math.min(ty1 + 1, tilesY - 1);
    ty1 = Math.max(ty1, 0);
    const plane1 = ty1 * tilesX * HIST;
    const plane2 = ty2 * tilesX * HIST;
    for (let x = 0; x < w; x++) {
      const v = src[y * w + x] as number;
      const i1 = (ind1[x] as number) + v;
      const i2 = (ind2[x] as number) + v;
      const a = xa[x] as number;
      const a1 = xa1[x] as number;
      const top = f32(f32((luts[plane1 + i1] as number) * a1) + f32((luts[plane1 + i2] as number) * a));
      const bottom = f32(f32((luts[plane2 + i1] as number) * a1) + f32((luts[plane2 + i2] as number) * a));
      dst[y * w + x] = saturateU8(f32(f32(top * ya1) + f32(bottom * ya)));
    }
  }
}

function tileGrid(value: ClaheOptions['tileGridSize']): [number, number] {
  const [tx, ty] = typeof value === 'number' ? [value, value] : (value ?? [8, 8]);
  if (!Number.isInteger(tx) || !Number.isInteger(ty) || (tx as number) <= 0 || (ty as number) <= 0) {
    throw new CxrError('E_BAD_ARGUMENT', `clahe: tileGridSize must be positive integers [columns, rows], got ${JSON.stringify(value)}.`);
  }
  return [tx as number, ty as number];
}

/**
 * Contrast Limited Adaptive Histogram Equalisation, a port of OpenCV 4's
 * `cv2.createCLAHE(clipLimit, tileGridSize).apply(img)` for 8-bit images: per-tile histograms
 * clipped at `max(trunc(clipLimit · tileArea / 256), 1)` with the excess redistributed, one
 * LUT per tile, bilinear interpolation between tile centres; sizes not divisible by the grid are
 * padded (reflect-101) as OpenCV does. Agrees with OpenCV to the grey level on real X-rays
 * (see test/clahe.test.ts).
 *
 * Takes a uint8-valued single-channel image [h, w] / [h, w, 1] (int32 or float32 holding
 * integers 0…255) or a batch [n, h, w, 1] (each image on its own), returns the same shape and
 * dtype. Computed in plain TypeScript on the pixel data (`dataSync`): it is an integer
 * histogram/LUT algorithm with no useful tf-op form.
 */
export function clahe<T extends tf.Tensor>(image: T, options: ClaheOptions = {}): T {
  const clipLimit = options.clipLimit ?? 40;
  if (typeof clipLimit !== 'number' || !Number.isFinite(clipLimit) || clipLimit <= 0) {
    throw new CxrError('E_BAD_ARGUMENT', `clahe: clipLimit must be a finite number > 0, got ${String(clipLimit)}.`);
  }
  const [tilesX, tilesY] = tileGrid(options.tileGridSize);
  const { data, count, height, width } = readGray8(image, 'clahe');
  if (tilesX > width || tilesY > height) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `clahe: tileGridSize [${tilesX}, ${tilesY}] (columns, rows) is larger than the image (${width} wide, ${height} high); use fewer tiles.`,
    );
  }
  const area = height * width;
  const out = new Uint8Array(data.length);
  for (let k = 0; k < count; k++) {
    claheOne(data.subarray(k * area, (k + 1) * area), out.subarray(k * area, (k + 1) * area), height, width, clipLimit, tilesX, tilesY);
  }
  return writeGray8(image, out) as T;
}
