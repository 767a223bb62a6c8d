import * as tf from '@tensorflow/tfjs-core';
import { CxrError, assertArgument, isCxrError } from '@cxr/core';
import { decodeDicom } from '../dicom.js';
import { rawImageToTensor } from '../pixels.js';
import { checkImageSize, type ImageSize, type ResizeMode } from '../resize-plan.js';
import type { RawImage } from '../types.js';
import { fitImageSize } from './fit-size.js';

/** Anything a page holds an image in: a dropped `File` / `Blob`, a decoded bitmap or element, or a URL to fetch. */
export type BrowserImageSource = Blob | ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageData | string | URL;

export interface BrowserDecodeOptions {
  /** 1 = grayscale (Rec. 709 luma of the sRGB values; equal to the value for gray images), 3 = RGB. Alpha is dropped. Default 3. */
  channels?: 1 | 3;
  /**
   * Images whose longer side exceeds this are downscaled by the browser (high-quality filter) as
   * they are decoded, so a huge photo never becomes a huge tensor or freezes the tab. Default 2048.
   */
  maxSide?: number;
  /** Refuse images with more pixels than this (width × height) before drawing them, default 100 megapixels. */
  maxPixels?: number;
  /** Name used in errors (default: the File's name, the URL, or 'image'). */
  name?: string;
}

export interface BrowserImageOptions extends BrowserDecodeOptions {
  /** Resize + centre crop like `@cxr/data/node` (see `fitImageSize`); default: keep the (possibly downscaled) size. */
  imageSize?: ImageSize;
  /** 'cover' (default, keep aspect ratio + centre crop) or 'stretch' (exactly imageSize). */
  resize?: ResizeMode;
}

export const DEFAULT_MAX_SIDE = 2048;
const DEFAULT_MAX_PIXELS = 100_000_000;
const HINT = 'Use a PNG, JPEG or DICOM (.dcm) image.';

/**
 * Decode an image in the browser into pixels (Uint8, row-major [height, width, channels]).
 * Uses `createImageBitmap` + a 2-D canvas, so it needs a browser (or a worker with OffscreenCanvas).
 * Throws CxrError E_IMAGE_DECODE for data that is not an image the browser can decode,
 * E_IMAGE_TOO_LARGE beyond `maxPixels`, E_NOT_FOUND / E_IO for URLs that cannot be fetched.
 */
export async function decodeBrowserImage(source: BrowserImageSource, options: BrowserDecodeOptions = {}): Promise<RawImage> {
  const channels = options.channels ?? 3;
  const maxSide = options.maxSide ?? DEFAULT_MAX_SIDE;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  assertArgument(channels === 1 || channels === 3, `channels must be 1 (grayscale) or 3 (RGB), got ${String(channels)}`);
  assertArgument(Number.isInteger(maxSide) && maxSide >= 1, `maxSide must be a whole number of pixels >= 1, got ${String(maxSide)}`);
  assertArgument(maxPixels > 0, `maxPixels must be positive, got ${String(maxPixels)}`);
  const name = options.name ?? sourceName(source);
  if (typeof ImageData !== 'undefined' && source instanceof ImageData) return fromRgba(source.data, source.width, source.height, channels);
  if (source instanceof Blob && (await isDicom(source, name))) return decodeDicomBlob(source, name, channels, maxSide, maxPixels);

  let bitmap: ImageBitmap | null = null;
  try {
    bitmap = await toBitmap(source as Exclude<BrowserImageSource, ImageData>, name);
    const { width, height } = bitmap;
    if (width * height > maxPixels) {
      throw new CxrError('E_IMAGE_TOO_LARGE', `${name} is ${width}x${height} pixels, more than maxPixels ${maxPixels.toLocaleString('en-US')}. Downscale it first.`, { path: name });
    }
    const scale = Math.min(1, maxSide / Math.max(width, height));
    const outW = Math.max(1, Math.round(width * scale));
    const outH = Math.max(1, Math.round(height * scale));
    if (scale < 1) {
      const smaller = await createImageBitmap(bitmap, { resizeWidth: outW, resizeHeight: outH, resizeQuality: 'high' });
      bitmap.close();
      bitmap = smaller;
    }
    const ctx = canvas2d(outW, outH);
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, outW, outH).data;
    return fromRgba(rgba, outW, outH, channels);
  } catch (error) {
    throw asDecodeError(error, name);
  } finally {
    bitmap?.close();
  }
}

/** `decodeBrowserImage`, then `imageSize` / `resize` applied with tf ops: float32 [h, w, c] in [0, 1]; the caller disposes it. */
export async function browserImageToTensor(source: BrowserImageSource, options: BrowserImageOptions = {}): Promise<tf.Tensor3D> {
  if (options.imageSize !== undefined) checkImageSize(options.imageSize);
  const raw = await decodeBrowserImage(source, options);
  const full = rawImageToTensor(raw);
  if (options.imageSize === undefined) return full;
  try {
    return fitImageSize(full, options.imageSize, options.resize ?? 'cover');
  } finally {
    full.dispose();
  }
}

async function toBitmap(source: Exclude<BrowserImageSource, ImageData>, name: string): Promise<ImageBitmap> {
  if (typeof source === 'string' || source instanceof URL) {
    const response = await fetch(source).catch((error: unknown) => {
      throw new CxrError('E_IO', `Cannot fetch ${name}: ${error instanceof Error ? error.message : String(error)}. Check the URL (and CORS).`, { path: name, cause: error });
    });
    if (!response.ok) {
      throw new CxrError(response.status === 404 ? 'E_NOT_FOUND' : 'E_IO', `Cannot fetch ${name}: HTTP ${response.status}. Check the URL.`, { path: name });
    }
    return toBitmap(await response.blob(), name);
  }
  if (source instanceof Blob && source.size === 0) throw new CxrError('E_IMAGE_DECODE', `Cannot decode ${name}: the file is empty (0 bytes). ${HINT}`, { path: name });
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) await source.decode();
  try {
    // No colour-space conversion beyond what the browser's decoder does, no premultiplication: raw pixel values.
    return await createImageBitmap(source, { premultiplyAlpha: 'none', imageOrientation: 'from-image' });
  } catch (error) {
    // The browser sniffs the bytes, so a MIME type is only used to explain a failure (servers often say octet-stream for images).
    const type = source instanceof Blob ? source.type : '';
    if (type !== '' && !type.startsWith('image/') && type !== 'application/octet-stream') {
      throw new CxrError('E_UNSUPPORTED_FILE', `${name} is ${type}, not an image. ${HINT}`, { path: name, cause: error });
    }
    throw error;
  }
}

/** DICOM by name (.dcm / .dicom), MIME type, or the 'DICM' magic at byte 128 of a Part-10 file. */
async function isDicom(blob: Blob, name: string): Promise<boolean> {
  if (/\.(dcm|dicom)$/i.test(name) || blob.type === 'application/dicom') return true;
  if (blob.size < 132) return false;
  const magic = new Uint8Array(await blob.slice(128, 132).arrayBuffer());
  return String.fromCharCode(...magic) === 'DICM';
}

/**
 * DICOM through `decodeDicom` (the file's VOI / window, MONOCHROME1 inverted; float32 in [0, 1]),
 * gray copied to 3 channels when asked, downscaled with tf bilinear above `maxSide`.
 */
async function decodeDicomBlob(blob: Blob, name: string, channels: 1 | 3, maxSide: number, maxPixels: number): Promise<RawImage> {
  let image: RawImage;
  try {
    image = decodeDicom(new Uint8Array(await blob.arrayBuffer()));
  } catch (error) {
    throw asDecodeError(error, name);
  }
  const { width, height } = image;
  if (width * height > maxPixels) {
    throw new CxrError('E_IMAGE_TOO_LARGE', `${name} is ${width}x${height} pixels, more than maxPixels ${maxPixels.toLocaleString('en-US')}.`, { path: name });
  }
  const scale = Math.min(1, maxSide / Math.max(width, height));
  if (scale === 1 && channels === 1) return image;
  const outH = Math.max(1, Math.round(height * scale));
  const outW = Math.max(1, Math.round(width * scale));
  const pixels = tf.tidy(() => {
    let t: tf.Tensor3D = rawImageToTensor(image);
    if (scale < 1) t = tf.image.resizeBilinear(t, [outH, outW], false, true);
    if (channels === 3) t = tf.tile(t, [1, 1, 3]);
    return t;
  });
  try {
    return { data: (await pixels.data()) as Float32Array, width: outW, height: outH, channels };
  } finally {
    pixels.dispose();
  }
}

function canvas2d(width: number, height: number): OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D {
  const canvas: OffscreenCanvas | HTMLCanvasElement =
    typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) throw new CxrError('E_IMAGE_DECODE', 'This browser gives no 2-D canvas context, so images cannot be decoded.');
  return ctx;
}

function fromRgba(rgba: Uint8ClampedArray, width: number, height: number, channels: 1 | 3): RawImage {
  const n = width * height;
  const data = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const r = rgba[4 * i] as number;
    const g = rgba[4 * i + 1] as number;
    const b = rgba[4 * i + 2] as number;
    if (channels === 1) {
      data[i] = Math.round(0.2126 * r + 0.7152 * g + 0.0722 * b);
    } else {
      data[3 * i] = r;
      data[3 * i + 1] = g;
      data[3 * i + 2] = b;
    }
  }
  return { data, width, height, channels };
}

function sourceName(source: BrowserImageSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (typeof File !== 'undefined' && source instanceof File) return source.webkitRelativePath || source.name;
  return 'image';
}

function asDecodeError(error: unknown, name: string): CxrError {
  if (isCxrError(error)) return error;
  const detail = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, '');
  return new CxrError('E_IMAGE_DECODE', `Cannot decode ${name}: ${detail}. ${HINT}`, { path: name, cause: error });
}
