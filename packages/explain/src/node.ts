/**
 * @cxr/explain/node — Node-only helpers (sharp): Grad-CAM overlays written as PNG files.
 */
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CxrError } from '@cxr/core';
import type { ColormapName } from './colormap.js';
import { overlayHeatmap } from './overlay.js';

export interface WriteOverlaysOptions {
  /** Opacity of the heatmap over the image (default 0.4, as the article's `alpha`). */
  alpha?: number;
  /** Default 'jet'. */
  colormap?: ColormapName;
  /** One caption per image, drawn in a bar above it (e.g. "COVID19 (0.97)"). */
  titles?: readonly string[];
  /** File names when `target` is a directory: `<prefix>_000.png`, … (default 'gradcam'). */
  prefix?: string;
}

const escapeXml = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Write each image with its heatmap blended on top (`overlayHeatmap`: the heatmap resized to the
 * image, colormapped, `(1 − alpha)·image + alpha·colour`) as PNG. `images` [n, h, w, 1|3] in
 * [0, 1] (the original images, any size); `heatmaps` [n, h', w'] in [0, 1] as `gradCam` returns.
 * `target` is a directory (files `<prefix>_000.png`, …) or one path per image. Returns the paths.
 * Leak-free; directories are created.
 */
export async function writeGradCamOverlays(
  target: string | readonly string[],
  images: tf.Tensor4D,
  heatmaps: tf.Tensor3D,
  options: WriteOverlaysOptions = {},
): Promise<string[]> {
  if (images.rank !== 4 || heatmaps.rank !== 3 || images.shape[0] !== heatmaps.shape[0]) {
    throw new CxrError(
      'E_SHAPE_MISMATCH',
      `writeGradCamOverlays: expected images [n, h, w, c] and heatmaps [n, h', w'] with the same n, got [${images.shape.join(', ')}] and [${heatmaps.shape.join(', ')}].`,
    );
  }
  const n = images.shape[0];
  const paths =
    typeof target === 'string'
      ? Array.from({ length: n }, (_, i) => join(target, `${options.prefix ?? 'gradcam'}_${String(i).padStart(3, '0')}.png`))
      : [...target];
  if (paths.length !== n) throw new CxrError('E_BAD_ARGUMENT', `writeGradCamOverlays: ${paths.length} paths for ${n} images.`);
  if (options.titles && options.titles.length !== n) {
    throw new CxrError('E_BAD_ARGUMENT', `writeGradCamOverlays: ${options.titles.length} titles for ${n} images.`);
  }
  const [, height, width] = images.shape;
  for (let i = 0; i < n; i++) {
    const blended = tf.tidy(() => {
      const image = tf.squeeze(tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D;
      const heat = tf.squeeze(tf.slice(heatmaps, [i, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D;
      const out = overlayHeatmap(image, heat, { ...(options.alpha !== undefined ? { alpha: options.alpha } : {}), colormap: options.colormap ?? 'jet' });
      return tf.cast(tf.round(tf.mul(tf.clipByValue(out, 0, 1), 255)), 'int32');
    });
    const pixels = Buffer.from(Uint8Array.from(await blended.data()));
    blended.dispose();
    let pipeline = sharp(pixels, { raw: { width, height, channels: 3 } });
    const title = options.titles?.[i];
    if (title !== undefined) {
      const bar = Math.max(14, Math.round(width / 12));
      const svg = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${bar}"><rect width="100%" height="100%" fill="white"/>` +
          `<text x="${width / 2}" y="${bar * 0.75}" font-family="sans-serif" font-size="${Math.round(bar * 0.7)}" text-anchor="middle" fill="black">${escapeXml(title)}</text></svg>`,
      );
      const body = await pipeline.png().toBuffer();
      pipeline = sharp({ create: { width, height: height + bar, channels: 3, background: '#ffffff' } }).composite([
        { input: svg, top: 0, left: 0 },
        { input: body, top: bar, left: 0 },
      ]);
    }
    const path = paths[i] as string;
    await mkdir(dirname(path), { recursive: true });
    try {
      await pipeline.png().toFile(path);
    } catch (error) {
      throw new CxrError('E_IO', `Could not write ${path}: ${(error as Error).message}`, { path, cause: error });
    }
  }
  return paths;
}
