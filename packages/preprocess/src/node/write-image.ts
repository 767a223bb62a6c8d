import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CxrError } from '@cxr/core';

/** Raw 8-bit pixels of an image tensor [h, w, 1|3|4] with values in [0, 1]. */
export async function toPixels(image: tf.Tensor3D): Promise<{ data: Buffer; width: number; height: number; channels: 1 | 3 | 4 }> {
  if (image.rank !== 3) {
    throw new CxrError('E_SHAPE_MISMATCH', `Expected an image [h, w, c], got [${image.shape.join(', ')}].`);
  }
  const [height, width, channels] = image.shape;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new CxrError('E_SHAPE_MISMATCH', `An image needs 1, 3 or 4 channels, got ${channels}.`);
  }
  const bytes = tf.tidy(() => tf.cast(tf.round(tf.mul(tf.clipByValue(image, 0, 1), 255)), 'int32'));
  const data = Buffer.from(Uint8Array.from(await bytes.data()));
  bytes.dispose();
  return { data, width, height, channels };
}

/** A sharp pipeline over an image tensor in [0, 1]. */
export async function tensorToSharp(image: tf.Tensor3D): Promise<sharp.Sharp> {
  const { data, width, height, channels } = await toPixels(image);
  return sharp(data, { raw: { width, height, channels } });
}

/** Write an image tensor [h, w, c] in [0, 1] as PNG (or JPEG/WebP by extension). */
export async function writeImage(path: string, image: tf.Tensor3D): Promise<void> {
  const pipeline = await tensorToSharp(image);
  await mkdir(dirname(path), { recursive: true });
  try {
    await pipeline.toFile(path);
  } catch (error) {
    throw new CxrError('E_IO', `Could not write ${path}: ${(error as Error).message}`, { path, cause: error });
  }
}
