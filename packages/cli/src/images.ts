import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImageFile } from '@cxr/data/node';
import { UsageError } from './errors';
import type { ModelMeta } from './run-files';

/** Absolute paths of the images on the command line; every one that is missing is listed (exit 2). */
export function checkImagePaths(paths: readonly string[], cwd: string): string[] {
  const absolute = paths.map((p) => resolve(cwd, p));
  const missing = absolute.filter((p) => !existsSync(p) || !statSync(p).isFile());
  if (missing.length > 0) {
    throw new UsageError(`${missing.length} image path(s) do not exist or are not files:`, missing);
  }
  return absolute;
}

/** Decode images as `cxr train` saw them: stretched to imageSize × imageSize with the model's channels, in [0, 1]. */
export async function loadImages(paths: readonly string[], meta: ModelMeta): Promise<tf.Tensor4D> {
  const images: tf.Tensor3D[] = [];
  try {
    for (const path of paths) {
      images.push(await decodeImageFile(path, { channels: meta.channels, imageSize: [meta.imageSize, meta.imageSize], resize: 'stretch' }));
    }
    return tf.stack(images) as tf.Tensor4D;
  } finally {
    tf.dispose(images);
  }
}
