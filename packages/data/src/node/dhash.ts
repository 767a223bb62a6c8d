import sharp from 'sharp';
import { CxrError, assertArgument, isCxrError } from '@cxr/core';
import { readImageInfo } from './decode.js';

export interface DHashOptions {
  /**
   * Hash side: 8 → 64-bit hash (default; the image is shrunk to 9×8 gray), 16 → 256-bit (17×16).
   * Bits = size².
   */
  size?: number;
  /** Refuse images with more pixels than this (E_IMAGE_TOO_LARGE), default `decodeImage`'s 100 megapixels. */
  maxPixels?: number;
}

/**
 * Difference hash (dHash) of an image file: grayscale, shrunk to (size+1)×size with sharp's
 * Lanczos kernel (EXIF orientation applied), then one bit per horizontally adjacent pixel pair
 * (1 where the left pixel is brighter), row by row, most significant bit first. Near-identical
 * images (re-encoded, rescaled, slightly cropped) have hashes a few bits apart: compare with
 * `hammingDistance`. Throws E_NOT_FOUND / E_IO / E_IMAGE_DECODE / E_IMAGE_TOO_LARGE (the header is
 * checked first, so a decompression bomb is refused before any pixel is decoded).
 */
export async function dHash(path: string, options: DHashOptions = {}): Promise<bigint> {
  const size = options.size ?? 8;
  assertArgument(Number.isInteger(size) && size >= 2 && size <= 64, `dHash: size must be an integer in [2, 64] (8 → 64 bits, 16 → 256 bits), got ${String(size)}`);
  await readImageInfo(path, { maxPixels: options.maxPixels });
  let data: Buffer;
  try {
    data = await sharp(path, { failOn: 'error', limitInputPixels: false })
      .rotate()
      .flatten({ background: '#000000' })
      .toColourspace('b-w')
      .resize({ width: size + 1, height: size, fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer();
  } catch (error) {
    if (isCxrError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT' || /input file is missing/i.test(message)) throw new CxrError('E_NOT_FOUND', `No such file: ${path}.`, { path, cause: error });
    throw new CxrError('E_IMAGE_DECODE', `Cannot hash ${path}: ${message}`, { path, cause: error });
  }
  const w = size + 1;
  let hash = 0n;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      hash = (hash << 1n) | ((data[y * w + x] as number) > (data[y * w + x + 1] as number) ? 1n : 0n);
    }
  }
  return hash;
}

/** Number of differing bits between two hashes (e.g. from `dHash`). */
export function hammingDistance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x > 0n) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/** A hash as fixed-width lower-case hex (`bits / 4` digits), for reports and JSON. */
export function hashToHex(hash: bigint, bits: number): string {
  return hash.toString(16).padStart(Math.ceil(bits / 4), '0');
}
