import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** The shared real dataset; tests that need it are skipped (with a message) when it is absent. */
export const CXR3 = resolve(process.env['CXR3_DIR'] ?? '/work/shared/data/cxr3');

/** A fresh temp folder; `cleanup` removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cxr-data-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A small gray gradient image, written in the format of the file's extension. */
export async function writeImage(path: string, options: { width?: number; height?: number; channels?: 1 | 3 | 4; sixteenBit?: boolean } = {}): Promise<string> {
  const { width = 12, height = 10, channels = 1, sixteenBit = false } = options;
  await mkdir(dirname(path), { recursive: true });
  const n = width * height * channels;
  const data = sixteenBit ? new Uint16Array(n) : new Uint8Array(n);
  const max = sixteenBit ? 65535 : 255;
  for (let k = 0; k < n; k++) data[k] = Math.round((max * (Math.floor(k / channels) % width)) / (width - 1));
  let image = sharp(data, { raw: { width, height, channels } });
  if (sixteenBit) image = image.toColourspace(channels === 1 ? 'grey16' : 'rgb16');
  const lower = path.toLowerCase();
  if (lower.endsWith('.png')) await image.png().toFile(path);
  else if (/\.jpe?g$/.test(lower)) await image.jpeg().toFile(path);
  else if (lower.endsWith('.webp')) await image.webp().toFile(path);
  else throw new Error(`writeImage: no encoder for ${path}`);
  return path;
}

/** Write bytes or text, creating the folders on the way. */
export async function writeRaw(path: string, content: string | Uint8Array): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}

/** A JPEG whose header is intact but whose data stops halfway: only a full decode notices. */
export async function writeTruncatedJpeg(path: string): Promise<string> {
  const size = 256;
  const noise = new Uint8Array(size * size);
  for (let k = 0; k < noise.length; k++) noise[k] = (k * 7919) % 251;
  const jpeg = await sharp(noise, { raw: { width: size, height: size, channels: 1 } }).jpeg().toBuffer();
  return writeRaw(path, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
}

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}
