import { CxrError } from '@cxr/core';
import type { RawImage } from './types.js';
import { parseDicomHeader, type DicomHeader } from './dicom/header.js';
import { framePixels } from './dicom/frame-pixels.js';
import { applyLut, applyWindow, rescale, stretchMinMax, type DicomLut, type DicomWindow } from './dicom/voi.js';

export type { DicomWindow, DicomLut, VoiFunction } from './dicom/voi.js';
export type { DicomHeader } from './dicom/header.js';
export { supportedTransferSyntaxes, TRANSFER_SYNTAXES } from './dicom/transfer-syntax.js';
export type { TransferSyntax, PixelEncoding } from './dicom/transfer-syntax.js';

export interface DecodeDicomOptions {
  /**
   * How modality values become display values in [0, 1]:
   * - 'auto' (default): the file's VOI LUT Sequence, else its first Window Center/Width (with its
   *   VOI LUT Function), else the frame's min..max;
   * - 'none': ignore the file's VOI and stretch the frame's min..max;
   * - a window in modality units (after rescale), e.g. `{ center: 40, width: 400 }`.
   * MONOCHROME1 images are inverted after the VOI, so that bright always means dense.
   */
  window?: 'auto' | 'none' | DicomWindow;
  /**
   * 'float32' (default): display values in [0, 1]. 'uint8': the same · 255, rounded (for PNG
   * export or 8-bit pipelines). 'modality': the rescaled values themselves (e.g. Hounsfield
   * units), no VOI and no MONOCHROME1 inversion.
   */
  output?: 'float32' | 'uint8' | 'modality';
  /** Frame of a multi-frame file, 0-based. Default 0. */
  frame?: number;
}

/** How the display values were made. */
export type AppliedVoi =
  | { kind: 'voi-lut'; firstMapped: number; entries: number; bits: number }
  | { kind: 'window'; center: number; width: number; function: NonNullable<DicomWindow['function']> }
  | { kind: 'min-max'; min: number; max: number }
  | { kind: 'none' };

export interface DicomMeta extends Omit<DicomHeader, 'transferSyntax' | 'modalityLut' | 'voiLut'> {
  transferSyntaxUid: string;
  transferSyntaxName: string;
  /** The decoded frame. */
  frame: number;
  hasModalityLut: boolean;
  hasVoiLut: boolean;
  /** What turned modality values into the output ('none' for output 'modality'). */
  voi: AppliedVoi;
  /** True for MONOCHROME1 when the output was inverted. */
  inverted: boolean;
}

/** A decoded DICOM frame: one-channel `RawImage` pixels (row-major) plus what the header said. */
export interface DicomImage extends RawImage {
  data: Uint8Array | Float32Array;
  channels: 1;
  meta: DicomMeta;
}

const PHOTOMETRIC = new Set(['MONOCHROME1', 'MONOCHROME2']);

/**
 * Decode one frame of a DICOM file (Part 10, or a bare implicit-VR data set) into grayscale
 * pixels: stored values masked to BitsStored and sign-extended, Modality LUT (Rescale
 * Slope/Intercept or Modality LUT Sequence), VOI (VOI LUT Sequence or window, PS3.3 C.11.2),
 * MONOCHROME1 inverted. Browser-safe (no fs); `readDicom` in `@cxr/data/node` reads a path.
 * Transfer syntaxes: implicit/explicit VR little endian, explicit big endian, RLE Lossless,
 * 8-bit JPEG Baseline; others throw `E_UNSUPPORTED_DICOM` naming the syntax, as do photometric
 * interpretations other than MONOCHROME1/2 and bit depths other than 8/16. A file without
 * pixel data throws `E_DICOM_NO_PIXELS`; a corrupt one `E_IMAGE_DECODE`.
 */
export function decodeDicom(bytes: Uint8Array | ArrayBuffer, options: DecodeDicomOptions = {}): DicomImage {
  const input = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const parsed = parseDicomHeader(input);
  const { header } = parsed;
  checkDecodable(header);
  const frame = options.frame ?? 0;
  if (!Number.isInteger(frame) || frame < 0 || frame >= header.numberOfFrames) {
    throw new CxrError('E_BAD_ARGUMENT', `decodeDicom: frame must be an integer in [0, ${header.numberOfFrames - 1}], got ${String(frame)}.`);
  }
  const output = options.output ?? 'float32';
  if (output !== 'float32' && output !== 'uint8' && output !== 'modality') {
    throw new CxrError('E_BAD_ARGUMENT', `decodeDicom: output must be 'float32', 'uint8' or 'modality', got ${String(output)}.`);
  }

  const stored = framePixels(parsed, frame);
  const values = header.modalityLut ? applyLut(stored, header.modalityLut) : rescale(stored, header.rescaleSlope, header.rescaleIntercept);
  let voi: AppliedVoi = { kind: 'none' };
  let inverted = false;
  let data: Float32Array | Uint8Array = values;
  if (output !== 'modality') {
    const display = applyVoi(values, header, options.window ?? 'auto');
    voi = display.voi;
    inverted = header.photometricInterpretation === 'MONOCHROME1';
    if (inverted) for (let i = 0; i < display.values.length; i++) display.values[i] = 1 - (display.values[i] as number);
    data = output === 'uint8' ? toUint8(display.values) : display.values;
  }

  const { transferSyntax, modalityLut, voiLut, ...rest } = header;
  return {
    data,
    width: header.columns,
    height: header.rows,
    channels: 1,
    meta: {
      ...rest,
      transferSyntaxUid: transferSyntax.uid,
      transferSyntaxName: transferSyntax.name,
      frame,
      hasModalityLut: modalityLut !== undefined,
      hasVoiLut: voiLut !== undefined,
      voi,
      inverted,
    },
  };
}

/** Throw E_UNSUPPORTED_DICOM / E_IMAGE_DECODE unless decodeDicom can decode a file with this header. */
export function checkDecodable(header: DicomHeader): void {
  const { photometricInterpretation: pi, samplesPerPixel, bitsAllocated, bitsStored, highBit, rows, columns } = header;
  if (!PHOTOMETRIC.has(pi) || samplesPerPixel !== 1) {
    throw new CxrError(
      'E_UNSUPPORTED_DICOM',
      `DICOM photometric interpretation ${pi} with ${samplesPerPixel} sample(s) per pixel is not supported: cxr reads grayscale ` +
        'X-rays (MONOCHROME1 / MONOCHROME2, one sample per pixel). Convert colour images to grayscale first.',
    );
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new CxrError('E_UNSUPPORTED_DICOM', `DICOM Bits Allocated ${bitsAllocated} is not supported (8 and 16 are).`);
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw new CxrError('E_IMAGE_DECODE', `Inconsistent DICOM bit layout: Bits Allocated ${bitsAllocated}, Bits Stored ${bitsStored}, High Bit ${highBit}.`);
  }
  if (!(rows > 0 && columns > 0)) throw new CxrError('E_IMAGE_DECODE', `DICOM image size ${columns}x${rows} is empty.`);
}

function applyVoi(values: Float32Array, header: DicomHeader, window: NonNullable<DecodeDicomOptions['window']>): { values: Float32Array; voi: AppliedVoi } {
  if (window === 'auto' && header.voiLut) return { values: scaleLut(applyLut(values, header.voiLut), header.voiLut), voi: lutInfo(header.voiLut) };
  const chosen = window === 'auto' ? header.windows[0] : window === 'none' ? undefined : window;
  if (chosen) {
    const fn = chosen.function ?? 'LINEAR';
    return { values: applyWindow(values, { ...chosen, function: fn }), voi: { kind: 'window', center: chosen.center, width: chosen.width, function: fn } };
  }
  if (window !== 'auto' && window !== 'none') {
    throw new CxrError('E_BAD_ARGUMENT', `decodeDicom: window must be 'auto', 'none' or { center, width }, got ${JSON.stringify(window)}.`);
  }
  return { values, voi: { kind: 'min-max', ...stretchMinMax(values) } };
}

function scaleLut(values: Float32Array, lut: DicomLut): Float32Array {
  const scale = 1 / (2 ** lut.bits - 1);
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * scale;
  return values;
}

function lutInfo(lut: DicomLut): AppliedVoi {
  return { kind: 'voi-lut', firstMapped: lut.firstMapped, entries: lut.data.length, bits: lut.bits };
}

function toUint8(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round((values[i] as number) * 255);
  return out;
}
