import sharp from 'sharp';
import { CxrError, assertArgument } from '@cxr/core';
import { checkResizeMode, resizePlan } from '../resize-plan.js';
import type { RawImage } from '../types.js';
import type { DecodeImageOptions } from '../node/decode.js';
import type { DecodeDicomOptions } from '../dicom.js';
import { readDicom } from './read-dicom-file.js';

export interface DecodeDicomImageOptions extends DecodeImageOptions {
  /** The VOI of `decodeDicom` (default 'auto'). */
  window?: DecodeDicomOptions['window'];
  /** Frame of a multi-frame file (default 0). */
  frame?: number;
}

/**
 * A DICOM file decoded like `decodeImage` decodes a PNG, so that DICOM folders can go through the
 * same pipeline: display values (VOI applied, MONOCHROME1 inverted) as 16-bit samples
 * (Uint16Array, 0…65535), gray copied to RGB unless `channels: 1`, resized and centre-cropped
 * with sharp's linear kernel when `imageSize` is given (the same plan as `decodeImage`).
 */
export async function decodeDicomImage(path: string, options: DecodeDicomImageOptions = {}): Promise<RawImage> {
  const channels = options.channels ?? 3;
  assertArgument(channels === 1 || channels === 3, `channels must be 1 (grayscale) or 3 (RGB), got ${String(channels)}`);
  const mode = options.resize ?? 'cover';
  checkResizeMode(mode);
  const image = await readDicom(path, { output: 'float32', window: options.window ?? 'auto', frame: options.frame ?? 0 });
  const { width, height } = image;
  const maxPixels = options.maxPixels ?? 100_000_000;
  if (width * height > maxPixels) {
    throw new CxrError('E_IMAGE_TOO_LARGE', `${path} is ${width}x${height} pixels, more than maxPixels ${maxPixels}.`, { path });
  }
  const gray = new Uint16Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round((image.data[i] as number) * 65535);
  const plan = resizePlan(width, height, options.imageSize, mode);
  if (!plan.resize && !plan.crop && channels === 1) return { data: gray, width, height, channels: 1 };
  // A Uint16Array input is read by sharp as 16-bit samples ('ushort').
  let pipeline = sharp(gray, { raw: { width, height, channels: 1 } });
  if (plan.resize) pipeline = pipeline.resize({ ...plan.resize, fit: 'fill', kernel: 'linear' });
  if (plan.crop) pipeline = pipeline.extract(plan.crop);
  pipeline = pipeline.toColourspace(channels === 1 ? 'grey16' : 'rgb16');
  const { data, info } = await pipeline.raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  if (info.width !== plan.width || info.height !== plan.height || info.channels !== channels) {
    throw new CxrError('E_IMAGE_DECODE', `Resizing ${path} gave ${info.width}x${info.height}x${info.channels}, expected ${plan.width}x${plan.height}x${channels}.`, { path });
  }
  const copy = Buffer.from(data);
  return { data: new Uint16Array(copy.buffer, copy.byteOffset, copy.length / 2), width: info.width, height: info.height, channels };
}
