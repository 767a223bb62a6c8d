import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CxrError } from '@cxr/core';
import { gridLayout, type GridOptions } from '../grid.js';
import { toPixels } from './write-image.js';

/** One title above a grid cell, in its own colour. */
export interface CellTitle {
  text: string;
  /** Any SVG colour (default '#111'). */
  color?: string;
}

export interface TitledGridOptions extends GridOptions {
  /** Each cell is scaled to this width in pixels (default: the image width, at least 128). */
  cellSize?: number;
  /** Height of the title band (default 22 px). */
  titleHeight?: number;
}

const escapeXml = (s: string): string =>
  s.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch] as string);

/**
 * A grid PNG of images [n, h, w, c] in [0, 1], each under a title with its own colour — the
 * drawing behind `writePredictionGrid` and `writeAugmentationPreview` (same layout as
 * `writeImageGrid`). Returns the PNG bytes and writes them to `path` when given.
 */
export async function writeTitledGrid(
  path: string | null,
  images: tf.Tensor4D,
  titles: readonly CellTitle[],
  options: TitledGridOptions = {},
  name = 'writeTitledGrid',
): Promise<Buffer> {
  if (images.rank !== 4) {
    throw new CxrError('E_SHAPE_MISMATCH', `${name}: expected images [n, h, w, c], got [${images.shape.join(', ')}].`);
  }
  const [n, h, w] = images.shape;
  if (titles.length !== n) throw new CxrError('E_BAD_ARGUMENT', `${name}: ${n} images but ${titles.length} titles.`);
  const cellW = options.cellSize ?? Math.max(128, w);
  if (!Number.isInteger(cellW) || cellW <= 0) throw new CxrError('E_BAD_ARGUMENT', `${name}: cellSize must be a positive integer, got ${cellW}.`);
  const cellH = Math.max(1, Math.round((cellW * h) / w));
  const layout = gridLayout(n, cellH, cellW, options);
  const titleH = options.titleHeight ?? 22;
  const pad = layout.padding + 4;
  const width = layout.columns * (cellW + pad) + pad;
  const height = layout.rows * (cellH + titleH + pad) + pad;
  const fontSize = Math.max(8, Math.min(16, titleH - 6, Math.floor((1.65 * cellW) / Math.max(1, ...titles.map((t) => t.text.length)))));

  const composites: sharp.OverlayOptions[] = [];
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const image = tf.tidy(() => {
      const one = tf.squeeze(tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D;
      return one.shape[2] === 1 ? (tf.tile(one, [1, 1, 3]) as tf.Tensor3D) : one;
    });
    let pixels: Awaited<ReturnType<typeof toPixels>>;
    try {
      pixels = await toPixels(image);
    } finally {
      image.dispose();
    }
    const cell = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } })
      .resize(cellW, cellH)
      .png()
      .toBuffer();
    const left = pad + (i % layout.columns) * (cellW + pad);
    const top = pad + Math.floor(i / layout.columns) * (cellH + titleH + pad);
    composites.push({ input: cell, left, top: top + titleH });
    const t = titles[i] as CellTitle;
    texts.push(
      `<text x="${left + cellW / 2}" y="${top + titleH - 6}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${fontSize}" ` +
        `text-anchor="middle" fill="${escapeXml(t.color ?? '#111')}">${escapeXml(t.text)}</text>`,
    );
  }
  composites.push({ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join('')}</svg>`), left: 0, top: 0 });
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(composites).png().toBuffer();
  if (path) {
    await mkdir(dirname(path), { recursive: true });
    try {
      await sharp(png).toFile(path);
    } catch (error) {
      throw new CxrError('E_IO', `Could not write ${path}: ${(error as Error).message}`, { path, cause: error });
    }
  }
  return png;
}
