import { access, constants, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import type * as tf from '@tensorflow/tfjs-core';
import { CxrError, assertArgument, isCxrError } from '@cxr/core';
import { rawImageToTensor } from '../pixels.js';
import { checkImageSize, checkResizeMode, resizePlan, type ImageSize, type ResizeMode } from '../resize-plan.js';
import type { RawImage } from '../types.js';
import { readDicomInfo } from '../dicom/read-dicom-file.js';
import { decodeDicomImage } from '../dicom/decode-dicom-image.js';

export interface DecodeImageOptions {
  /** 1 = grayscale (libvips luminance), 3 = RGB (gray is copied to R, G, B). Alpha is dropped. Default 3, like torchvision's ImageFolder. */
  channels?: 1 | 3;
  /**
   * Resize like torchvision `Resize(S)` + `CenterCrop(S)` for a number S (shorter side to S with
   * sharp's linear kernel, then the centre S×S), or cover-and-centre-crop for [height, width].
   * Default: keep the image's own size.
   */
  imageSize?: ImageSize;
  /**
   * How `imageSize` is reached: 'cover' (default, the above) or 'stretch' = exactly [height, width]
   * ignoring the aspect ratio, like Keras `target_size` (sharp's linear kernel; Keras' `load_img`
   * defaults to nearest-neighbour, so pixels differ a little).
   */
  resize?: ResizeMode;
  /** Refuse images with more pixels than this (width × height), default 100 megapixels: a guard against decompression bombs. */
  maxPixels?: number;
}

/** What the header says about an image, with EXIF orientation applied to width and height. */
export interface ImageInfo {
  width: number;
  height: number;
  channels: number;
  /** 'uchar' (8-bit), 'ushort' (16-bit), … as libvips names it. */
  depth: string;
  format: string;
}

export const DEFAULT_MAX_PIXELS = 100_000_000;

const FIX_HINT = "Fix or remove the file, or pass onError: 'skip' to leave it out and list it in report().";

/** Read and check an image's header (size, channels, bit depth) without decoding its pixels. */
export async function readImageInfo(path: string, options: { maxPixels?: number } = {}): Promise<ImageInfo> {
  const maxPixels = checkMaxPixels(options.maxPixels);
  // DICOM is not a sharp format: decoded by @cxr/data's own reader (16-bit display values).
  if (extname(path).toLowerCase() === '.dcm') return checkPixels(await readDicomInfo(path), maxPixels, path);
  let bytes: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new CxrError('E_IMAGE_DECODE', `${path} is not a file. ${FIX_HINT}`, { path });
    bytes = st.size;
    await access(path, constants.R_OK); // EACCES here reads as E_IO; libvips would only say it cannot load the file
  } catch (error) {
    throw asDecodeError(error, path);
  }
  if (bytes === 0) throw new CxrError('E_IMAGE_DECODE', `Cannot decode ${path}: the file is empty (0 bytes). ${FIX_HINT}`, { path });
  let meta: sharp.Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw asDecodeError(error, path);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new CxrError('E_IMAGE_DECODE', `Cannot decode ${path}: no image size in its header. ${FIX_HINT}`, { path });
  return checkPixels({ width, height, channels: meta.channels ?? 0, depth: meta.depth ?? 'uchar', format: meta.format ?? 'unknown' }, maxPixels, path);
}

function checkPixels(info: ImageInfo, maxPixels: number, path: string): ImageInfo {
  const { width, height } = info;
  if (width * height > maxPixels) {
    throw new CxrError(
      'E_IMAGE_TOO_LARGE',
      `${path} is ${width}x${height} = ${(width * height).toLocaleString('en-US')} pixels, more than maxPixels ${maxPixels.toLocaleString('en-US')}. ` +
        'Downscale it, or raise maxPixels if you trust the file.',
      { path },
    );
  }
  return info;
}

/**
 * Decode an image file into pixels: EXIF orientation applied, alpha dropped, converted to the
 * channel count asked for, resized/cropped when `imageSize` is given. 16-bit files stay 16-bit
 * (Uint16Array), others come out as Uint8Array.
 */
export async function decodeImage(path: string, options: DecodeImageOptions = {}): Promise<RawImage> {
  return decodeWithInfo(path, await readImageInfo(path, options), options);
}

/** `decodeImage` as a float32 [height, width, channels] tensor in [0, 1]; the caller disposes it. */
export async function decodeImageFile(path: string, options: DecodeImageOptions = {}): Promise<tf.Tensor3D> {
  return rawImageToTensor(await decodeImage(path, options));
}

/** Decode with a header already read (the folder loader reads every header once, up front). */
export async function decodeWithInfo(path: string, info: ImageInfo, options: DecodeImageOptions = {}): Promise<RawImage> {
  if (info.format === 'dicom') return decodeDicomImage(path, options);
  const channels = options.channels ?? 3;
  assertArgument(channels === 1 || channels === 3, `channels must be 1 (grayscale) or 3 (RGB), got ${String(channels)}`);
  if (options.imageSize !== undefined) checkImageSize(options.imageSize);
  const mode = options.resize ?? 'cover';
  checkResizeMode(mode);
  const maxPixels = checkMaxPixels(options.maxPixels);
  const wide = info.depth === 'ushort';
  const plan = resizePlan(info.width, info.height, options.imageSize, mode);
  try {
    // failOn 'error': truncated or broken files fail (like PIL), harmless libjpeg warnings do not.
    let pipeline = sharp(path, { failOn: 'error', limitInputPixels: Number.isFinite(maxPixels) ? Math.floor(maxPixels) : false }).rotate();
    if (plan.resize) pipeline = pipeline.resize({ ...plan.resize, fit: 'fill', kernel: 'linear' });
    if (plan.crop) pipeline = pipeline.extract(plan.crop);
    pipeline = pipeline.toColourspace(channels === 1 ? (wide ? 'grey16' : 'b-w') : wide ? 'rgb16' : 'srgb').removeAlpha();
    const { data, info: out } = await pipeline.raw({ depth: wide ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    if (out.channels !== channels || out.width !== plan.width || out.height !== plan.height) {
      throw new CxrError(
        'E_IMAGE_DECODE',
        `Decoding ${path} gave ${out.width}x${out.height}x${out.channels}, expected ${plan.width}x${plan.height}x${channels} (unusual colour space?). ${FIX_HINT}`,
        { path },
      );
    }
    return { data: wide ? toUint16(data) : new Uint8Array(data.buffer, data.byteOffset, data.length), width: out.width, height: out.height, channels };
  } catch (error) {
    throw asDecodeError(error, path);
  }
}

function toUint16(data: Buffer): Uint16Array {
  // A Uint16Array view needs an even byte offset; copy in the rare case it is odd.
  const bytes = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

function checkMaxPixels(maxPixels: number | undefined): number {
  const value = maxPixels ?? DEFAULT_MAX_PIXELS;
  assertArgument(typeof value === 'number' && value > 0, `maxPixels must be a positive number (or Infinity), got ${String(maxPixels)}`);
  return value;
}

/** sharp / fs errors → coded CxrErrors that name the file and say what to do. */
function asDecodeError(error: unknown, path: string): CxrError {
  if (isCxrError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || /input file is missing/i.test(message)) {
    return new CxrError('E_NOT_FOUND', `No such file: ${path}. Check the path.`, { path, cause: error });
  }
  if (code === 'ELOOP') {
    return new CxrError('E_IO', `Cannot read ${path}: it is a symbolic link loop (${message}). Fix or remove the link.`, { path, cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EIO') {
    return new CxrError('E_IO', `Cannot read ${path}: ${message}. Check its permissions.`, { path, cause: error });
  }
  if (/pixel limit/i.test(message)) {
    return new CxrError('E_IMAGE_TOO_LARGE', `${path} has more pixels than maxPixels allows. Downscale it, or raise maxPixels if you trust the file.`, {
      path,
      cause: error,
    });
  }
  return new CxrError('E_IMAGE_DECODE', `Cannot decode ${path}: ${message}. ${FIX_HINT}`, { path, cause: error });
}
