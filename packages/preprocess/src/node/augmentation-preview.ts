import * as tf from '@tensorflow/tfjs-core';
import { CxrError } from '@cxr/core';
import type { ImageTensor } from '../image-tensor.js';
import { writeTitledGrid, type CellTitle, type TitledGridOptions } from './titled-grid.js';

export interface AugmentationPreviewOptions extends TitledGridOptions {
  /** Number of augmented copies (default 9). */
  count?: number;
  /** Seed passed to `augment` (default 0): the same seed draws the same preview. */
  seed?: number;
  /** Put the unaugmented image first, titled "original" (default true). */
  includeOriginal?: boolean;
}

/**
 * The article's augmentation preview (`trainAug.flow(x)` saved to `preview_1/`, shown as a grid)
 * as one PNG: `image` [h, w, c] (or [1, h, w, c]) in [0, 1] repeated `count` times and passed
 * through `augment(batch, seed)` once — so each copy gets its own random transform, e.g. from
 * `randomAugment({ rotationRange: 15, horizontalFlip: true, fillMode: 'nearest' })`.
 * Returns the PNG bytes and writes them to `path` when given.
 */
export async function writeAugmentationPreview(
  path: string | null,
  image: ImageTensor,
  augment: (batch: tf.Tensor4D, seed: number) => tf.Tensor4D,
  options: AugmentationPreviewOptions = {},
): Promise<Buffer> {
  const name = 'writeAugmentationPreview';
  const count = options.count ?? 9;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(count) || count <= 0) throw new CxrError('E_BAD_ARGUMENT', `${name}: count must be a positive integer, got ${count}.`);
  if (!Number.isFinite(seed)) throw new CxrError('E_BAD_ARGUMENT', `${name}: seed must be a finite number, got ${seed}.`);
  if (!(image.rank === 3 || (image.rank === 4 && image.shape[0] === 1))) {
    throw new CxrError('E_SHAPE_MISMATCH', `${name}: expected one image [h, w, c] or [1, h, w, c], got [${image.shape.join(', ')}].`);
  }
  const includeOriginal = options.includeOriginal ?? true;
  const grid = tf.tidy(() => {
    const one = (image.rank === 3 ? tf.expandDims(image, 0) : image) as tf.Tensor4D;
    const batch = tf.tile(tf.cast(one, 'float32'), [count, 1, 1, 1]) as tf.Tensor4D;
    const augmented = augment(batch, seed);
    if (augmented.rank !== 4 || augmented.shape[0] !== count || augmented.shape[3] !== one.shape[3]) {
      throw new CxrError(
        'E_SHAPE_MISMATCH',
        `${name}: augment returned [${augmented.shape.join(', ')}] for a batch [${batch.shape.join(', ')}]; it must keep the batch size and channels.`,
      );
    }
    if (!includeOriginal) return augmented;
    const sameSize = augmented.shape[1] === one.shape[1] && augmented.shape[2] === one.shape[2];
    const original = sameSize ? tf.cast(one, 'float32') : tf.image.resizeBilinear(tf.cast(one, 'float32'), [augmented.shape[1], augmented.shape[2]]);
    return tf.concat([original, augmented], 0);
  });
  const titles: CellTitle[] = [
    ...(includeOriginal ? [{ text: 'original' }] : []),
    ...Array.from({ length: count }, (_, i) => ({ text: `augmented ${i + 1}`, color: '#1d4ed8' })),
  ];
  try {
    return await writeTitledGrid(path, grid, titles, options, name);
  } finally {
    grid.dispose();
  }
}
