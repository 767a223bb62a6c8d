import { CxrError } from '@cxr/core';

/**
 * Decode one frame of DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header (segment count and
 * 15 offsets, uint32 little endian) followed by PackBits segments, one per byte plane, most
 * significant byte first. Returns the frame as little-endian samples (`bytesPerSample` bytes
 * each), i.e. the same bytes native Explicit VR Little Endian would hold. Single-sample pixels
 * (grayscale) only: the caller checked SamplesPerPixel.
 */
export function decodeRleFrame(frame: Uint8Array, pixelCount: number, bytesPerSample: number): Uint8Array {
  if (frame.length < 64) throw rleError(`the frame has ${frame.length} bytes, less than the 64-byte RLE header`);
  const header = new DataView(frame.buffer, frame.byteOffset, 64);
  const segments = header.getUint32(0, true);
  if (segments !== bytesPerSample) {
    throw rleError(`the frame has ${segments} RLE segments, expected ${bytesPerSample} (one per byte of a ${bytesPerSample * 8}-bit sample)`);
  }
  const out = new Uint8Array(pixelCount * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = header.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? header.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || end > frame.length || start > end) throw rleError(`segment ${s} offsets [${start}, ${end}) lie outside the frame`);
    // Segment 0 holds the most significant bytes; in little-endian output that is the last byte.
    const byteInSample = bytesPerSample - 1 - s;
    unpackBits(frame, start, end, out, byteInSample, bytesPerSample, pixelCount);
  }
  return out;
}

/** PackBits: n ≥ 0 copies the next n+1 bytes, -127 ≤ n ≤ -1 repeats the next byte 1-n times, -128 is a no-op. */
function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array, offset: number, stride: number, count: number): void {
  let i = start;
  let written = 0;
  while (i < end && written < count) {
    const n = (src[i++] as number) << 24 >> 24;
    if (n >= 0) {
      const run = Math.min(n + 1, count - written, end - i);
      for (let k = 0; k < run; k++) out[offset + (written++) * stride] = src[i++] as number;
      if (run < n + 1 && written < count) break;
    } else if (n !== -128) {
      if (i >= end) break;
      const value = src[i++] as number;
      const run = Math.min(1 - n, count - written);
      for (let k = 0; k < run; k++) out[offset + (written++) * stride] = value;
    }
  }
  if (written < count) throw rleError(`a segment decodes to ${written} bytes, the frame needs ${count}`);
}

function rleError(detail: string): CxrError {
  return new CxrError('E_IMAGE_DECODE', `Corrupt RLE Lossless pixel data: ${detail}.`);
}
