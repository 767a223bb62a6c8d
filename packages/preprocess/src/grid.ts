import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';

export interface GridOptions {
  /** Images per row (default: ceil(sqrt(n)), like the article's 4 × n/4 subplots). */
  columns?: number;
  /** Pixels between cells (default 2). */
  padding?: number;
  /** Value of the padding, in the image's range (default 1 = white for [0, 1] images). */
  background?: number;
}

export interface GridLayout {
  columns: number;
  rows: number;
  cellHeight: number;
  cellWidth: number;
  padding: number;
}

/** Where each cell of a grid lands. */
export function gridLayout(count: number, cellHeight: number, cellWidth: number, options: GridOptions = {}): GridLayout {
  if (count <= 0) throw new CxrError('E_BAD_ARGUMENT', 'batchGrid: the batch is empty.');
  const columns = Math.min(count, options.columns ?? Math.ceil(Math.sqrt(count)));
  if (!Number.isInteger(columns) || columns <= 0) {
    throw new CxrError('E_BAD_ARGUMENT', `batchGrid: columns must be a positive integer, got ${options.columns}.`);
  }
  return { columns, rows: Math.ceil(count / columns), cellHeight, cellWidth, padding: options.padding ?? 2 };
}

/**
 * Tile a batch [n, h, w, c] into one image [rows·(h+p)+p, cols·(w+p)+p, c] — the tensor behind
 * the article's `viewXRay(images, batch=True)`. Works on any backend; titles are added by
 * `writeImageGrid` in `@cxr/preprocess/node` (or by the page in a browser).
 */
export function batchGrid(images: tf.Tensor4D, options: GridOptions = {}): tf.Tensor3D {
  if (images.rank !== 4) {
    throw new CxrError('E_SHAPE_MISMATCH', `batchGrid: expected [n, h, w, c], got [${images.shape.join(', ')}].`);
  }
  const [n, h, w, c] = images.shape;
  const layout = gridLayout(n, h, w, options);
  const p = layout.padding;
  const bg = options.background ?? 1;
  return tf.tidy(() => {
    const blank = tf.fill([h, w, c], bg);
    const rows: tf.Tensor3D[] = [];
    for (let r = 0; r < layout.rows; r++) {
      const cells: tf.Tensor3D[] = [];
      for (let col = 0; col < layout.columns; col++) {
        const i = r * layout.columns + col;
        const cell = i < n ? tf.squeeze(tf.slice(images, [i, 0, 0, 0], [1, h, w, c]), [0]) : blank;
        cells.push(tf.pad(cell as tf.Tensor3D, [[p, 0], [p, 0], [0, 0]], bg));
      }
      rows.push(tf.concat(cells, 1));
    }
    const grid = tf.concat(rows, 0);
    return tf.pad(grid, [[0, p], [0, p], [0, 0]], bg);
  });
}
