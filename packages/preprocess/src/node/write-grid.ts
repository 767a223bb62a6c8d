import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CxrError } from '@cxr/core';
import { gridLayout, type GridOptions } from '../grid.js';
import { toPixels } from './write-image.js';

export interface ImageGridOptions extends GridOptions {
  /** One title per image, drawn above it (e.g. its class name). */
  titles?: readonly string[];
  /** Each cell is scaled to this width in pixels (default: the image width, at least 128). */
  cellSize?: number;
  /** Height of the title band (default 22 px when titles are given). */
  titleHeight?: number;
}

const escapeXml = (s: string): string =>
  s.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch] as string);

/**
 * The article's `viewXRay(batch)` as a PNG: images [n, h, w, c] in [0, 1] in a grid, each with
 * its title above it. Returns the PNG bytes and writes them to `path` when given.
 */
export async function writeImageGrid(path: string | null, images: tf.Tensor4D, options: ImageGridOptions = {}): Promise<Buffer> {
  if (images.rank !== 4) {
    throw new CxrError('E_SHAPE_MISMATCH', `writeImageGrid: expected [n, h, w, c], got [${images.shape.join(', ')}].`);
  }
  const [n, h, w] = images.shape;
  if (options.titles && options.titles.length !== n) {
    throw new CxrError('E_BAD_ARGUMENT', `writeImageGrid: ${n} images but ${options.titles.length} titles.`);
  }
  const cellW = options.cellSize ?? Math.max(128, w);
  const cellH = Math.round((cellW * h) / w);
  const layout = gridLayout(n, cellH, cellW, options);
  const titleH = options.titles ? (options.titleHeight ?? 22) : 0;
  const pad = layout.padding + 4;
  const width = layout.columns * (cellW + pad) + pad;
  const height = layout.rows * (cellH + titleH + pad) + pad;

  const composites: sharp.OverlayOptions[] = [];
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const image = tf.tidy(() => {
      const one = tf.squeeze(tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D;
      return one.shape[2] === 1 ? (tf.tile(one, [1, 1, 3]) as tf.Tensor3D) : one;
    });
    const { data, width: iw, height: ih, channels } = await toPixels(image);
    image.dispose();
    const cell = await sharp(data, { raw: { width: iw, height: ih, channels } }).resize(cellW, cellH).png().toBuffer();
    const col = i % layout.columns;
    const row = Math.floor(i / layout.columns);
    const left = pad + col * (cellW + pad);
    const top = pad + row * (cellH + titleH + pad);
    composites.push({ input: cell, left, top: top + titleH });
    const title = options.titles?.[i];
    if (title !== undefined) {
      texts.push(
        `<text x="${left + cellW / 2}" y="${top + titleH - 6}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${Math.min(16, titleH - 6)}" text-anchor="middle" fill="#111">${escapeXml(title)}</text>`,
      );
    }
  }
  if (texts.length) {
    composites.push({ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join('')}</svg>`), left: 0, top: 0 });
  }
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(composites).png().toBuffer();
  if (path) {
    await mkdir(dirname(path), { recursive: true });
    await sharp(png).toFile(path);
  }
  return png;
}
