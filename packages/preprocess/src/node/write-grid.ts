import type * as tf from '@tensorflow/tfjs-core';
import type { GridOptions } from '../grid.js';
import { writeTitledGrid } from './titled-grid.js';

export interface ImageGridOptions extends GridOptions {
  /** One title per image, drawn above it (e.g. its class name). */
  titles?: readonly string[];
  /** Each cell is scaled to this width in pixels (default: the image width, at least 128). */
  cellSize?: number;
  /** Height of the title band (default 22 px when titles are given). */
  titleHeight?: number;
}

/**
 * The article's `viewXRay(batch)` as a PNG: images [n, h, w, c] in [0, 1] in a grid, each with
 * its title above it (no title band without titles). Returns the PNG bytes and writes them to
 * `path` when given. Drawn by `writeTitledGrid`, with every title in the default colour.
 */
export async function writeImageGrid(path: string | null, images: tf.Tensor4D, options: ImageGridOptions = {}): Promise<Buffer> {
  const { titles, ...grid } = options;
  const cellTitles = titles ? titles.map((text) => ({ text })) : Array.from({ length: images.shape[0] ?? 0 }, () => ({ text: '' }));
  return writeTitledGrid(path, images, cellTitles, titles ? grid : { ...grid, titleHeight: 0 }, 'writeImageGrid');
}
