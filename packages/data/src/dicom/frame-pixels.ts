import { CxrError } from '@cxr/core';
import * as dicomParserModule from 'dicom-parser';
import type { ParsedDicom } from './header.js';
import { decodeRleFrame } from './rle.js';
import { decodeJpegBaselineFrame } from './jpeg-baseline.js';

const dicomParser = ((dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule) as typeof dicomParserModule;

/**
 * The stored values of one frame as integers: decoded (RLE / JPEG) or read in place, the bits
 * outside BitsStored (at HighBit) masked off, and two's complement sign-extended when
 * PixelRepresentation is 1. Mono (one sample per pixel) only: the caller checked.
 */
export function framePixels({ header, dataSet, pixelData }: ParsedDicom, frame: number): Int32Array {
  const { rows, columns, bitsAllocated, transferSyntax } = header;
  const pixels = rows * columns;
  const bytesPerSample = bitsAllocated / 8;
  let bytes: Uint8Array;
  let littleEndian = true;
  switch (transferSyntax.encoding) {
    case 'native-le':
    case 'native-be': {
      littleEndian = transferSyntax.encoding === 'native-le';
      const frameBytes = pixels * bytesPerSample;
      const start = pixelData.dataOffset + frame * frameBytes;
      if (pixelData.encapsulatedPixelData || start + frameBytes > pixelData.dataOffset + pixelData.length || start + frameBytes > dataSet.byteArray.length) {
        throw new CxrError(
          'E_IMAGE_DECODE',
          `DICOM Pixel Data holds ${pixelData.length} bytes; frame ${frame} of ${columns}x${rows} at ${bitsAllocated} bits needs bytes ${start - pixelData.dataOffset}…${start - pixelData.dataOffset + frameBytes}.`,
        );
      }
      bytes = dataSet.byteArray.subarray(start, start + frameBytes);
      break;
    }
    case 'rle':
      bytes = decodeRleFrame(encapsulatedFrame({ header, dataSet, pixelData }, frame), pixels, bytesPerSample);
      break;
    case 'jpeg-baseline':
      if (bitsAllocated !== 8) throw new CxrError('E_UNSUPPORTED_DICOM', `JPEG Baseline holds 8-bit samples; the header says BitsAllocated ${bitsAllocated}.`);
      bytes = decodeJpegBaselineFrame(encapsulatedFrame({ header, dataSet, pixelData }, frame), rows, columns);
      break;
    default:
      throw new CxrError('E_UNSUPPORTED_DICOM', `DICOM transfer syntax ${transferSyntax.uid} (${transferSyntax.name}) is not supported.`);
  }
  return storedValues(bytes, pixels, header.bitsAllocated, header.bitsStored, header.highBit, header.pixelRepresentation, littleEndian);
}

function storedValues(bytes: Uint8Array, count: number, bitsAllocated: number, bitsStored: number, highBit: number, signed: number, littleEndian: boolean): Int32Array {
  const out = new Int32Array(count);
  const shift = highBit + 1 - bitsStored;
  const mask = bitsStored >= 32 ? 0xffffffff : (1 << bitsStored) - 1;
  const signBit = 1 << (bitsStored - 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    const raw = bitsAllocated === 8 ? (bytes[i] as number) : view.getUint16(2 * i, littleEndian);
    let v = (raw >>> shift) & mask;
    if (signed === 1 && v & signBit) v -= 2 * signBit;
    out[i] = v;
  }
  return out;
}

/** The bytes of one frame of encapsulated (compressed) pixel data. */
function encapsulatedFrame({ header, dataSet, pixelData }: ParsedDicom, frame: number): Uint8Array {
  const fragments = pixelData.fragments ?? [];
  if (!pixelData.encapsulatedPixelData || fragments.length === 0) {
    throw new CxrError('E_IMAGE_DECODE', `${header.transferSyntax.name} needs encapsulated Pixel Data (fragments); this file has none.`);
  }
  try {
    if (pixelData.basicOffsetTable && pixelData.basicOffsetTable.length > 0) {
      return dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, frame);
    }
    if (header.numberOfFrames === 1) {
      return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, fragments.length);
    }
    if (fragments.length === header.numberOfFrames) {
      return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, frame, 1);
    }
    if (header.transferSyntax.encoding === 'jpeg-baseline') {
      const table = dicomParser.createJPEGBasicOffsetTable(dataSet, pixelData);
      return dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, frame, table);
    }
  } catch (error) {
    throw new CxrError('E_IMAGE_DECODE', `Could not read frame ${frame} of the encapsulated Pixel Data: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  }
  throw new CxrError(
    'E_IMAGE_DECODE',
    `Cannot find frame ${frame}: the Pixel Data has ${fragments.length} fragments for ${header.numberOfFrames} frames and no Basic Offset Table.`,
  );
}
