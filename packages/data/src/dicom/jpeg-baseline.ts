import { CxrError } from '@cxr/core';
import * as jpegModule from 'jpeg-js';

// jpeg-js is CommonJS: through Node's ESM loader its functions sit on `default`.
const jpeg = ((jpegModule as unknown as { default?: typeof jpegModule }).default ?? jpegModule) as typeof jpegModule;

/** Decode one 8-bit grayscale JPEG baseline frame (pure JS, so browsers and Node alike). */
export function decodeJpegBaselineFrame(frame: Uint8Array, rows: number, columns: number): Uint8Array {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(frame, { useTArray: true, formatAsRGBA: false, colorTransform: false, maxMemoryUsageInMB: 1024 });
  } catch (error) {
    throw new CxrError('E_IMAGE_DECODE', `Corrupt JPEG baseline pixel data: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  }
  const pixels = rows * columns;
  // jpeg-js writes a grayscale JPEG as RGB (or RGBA) triplets of equal values: keep one.
  const components = decoded.data.length / pixels;
  if (decoded.width === columns && decoded.height === rows && (components === 3 || components === 4)) {
    const gray = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) gray[i] = decoded.data[i * components] as number;
    return gray;
  }
  if (decoded.width !== columns || decoded.height !== rows || components !== 1) {
    throw new CxrError(
      'E_IMAGE_DECODE',
      `The JPEG frame is ${decoded.width}x${decoded.height} with ${decoded.data.length} samples; ` +
        `the DICOM header says ${columns}x${rows} grayscale.`,
    );
  }
  return decoded.data;
}
