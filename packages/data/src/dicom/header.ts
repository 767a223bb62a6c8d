import { CxrError } from '@cxr/core';
import * as dicomParserModule from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { transferSyntax, type TransferSyntax } from './transfer-syntax.js';
import type { DicomLut, DicomWindow, VoiFunction } from './voi.js';

// dicom-parser is a UMD bundle: through Node's ESM loader its functions sit on `default`.
const dicomParser = ((dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule) as typeof dicomParserModule;

/** What decodeDicom needs from a DICOM header, plus a few facts useful for chest X-rays. */
export interface DicomHeader {
  transferSyntax: TransferSyntax;
  photometricInterpretation: string;
  samplesPerPixel: number;
  rows: number;
  columns: number;
  numberOfFrames: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** Modality LUT Sequence (0028,3000), applied instead of rescale when present. */
  modalityLut: DicomLut | undefined;
  /** Every window of the file (Window Center/Width may hold several); the first is the default. */
  windows: DicomWindow[];
  /** VOI LUT Sequence (0028,3010), first item. */
  voiLut: DicomLut | undefined;
  modality: string | undefined;
  viewPosition: string | undefined;
  sopInstanceUid: string | undefined;
}

export interface ParsedDicom {
  header: DicomHeader;
  dataSet: DataSet;
  pixelData: Element;
}

const T = {
  transferSyntax: 'x00020010',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  frames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  voiFunction: 'x00281056',
  lutDescriptor: 'x00283002',
  lutData: 'x00283006',
  modalityLutSequence: 'x00283000',
  voiLutSequence: 'x00283010',
  modality: 'x00080060',
  viewPosition: 'x00185101',
  sopInstanceUid: 'x00080018',
  pixelData: 'x7fe00010',
} as const;

const IMPLICIT_LE = '1.2.840.10008.1.2';

/**
 * Parse a DICOM file's header. A Part 10 file (preamble + "DICM") is read as its meta header
 * says; a bare data set without the preamble (old ACR-NEMA style) as Implicit VR Little Endian.
 * The transfer syntax is checked before the data set is parsed, so a file cxr cannot decode
 * fails with E_UNSUPPORTED_DICOM in browsers and Node alike.
 */
export function parseDicomHeader(bytes: Uint8Array): ParsedDicom {
  const part10 = bytes.length >= 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM';
  let uid = part10 ? '' : bareDataSetSyntax(bytes);
  if (part10) {
    const meta = guard(() => dicomParser.readPart10Header(bytes));
    uid = meta.string(T.transferSyntax)?.trim().replace(/\0+$/, '') ?? '';
    if (!uid) throw new CxrError('E_IMAGE_DECODE', 'The DICOM file meta header has no Transfer Syntax UID (0002,0010).');
  }
  const syntax = transferSyntax(uid);
  if (syntax.encoding === undefined) {
    throw new CxrError(
      'E_UNSUPPORTED_DICOM',
      `DICOM transfer syntax ${syntax.uid} (${syntax.name}) is not supported. cxr decodes uncompressed (implicit/explicit VR little endian, ` +
        'explicit big endian), RLE Lossless and 8-bit JPEG Baseline; convert the file first, e.g. `dcmdjpeg in.dcm out.dcm` (DCMTK) or ' +
        "`gdcmconv --raw in.dcm out.dcm` (GDCM), or pydicom's `ds.decompress()`.",
    );
  }
  const dataSet = guard(() => (part10 ? dicomParser.parseDicom(bytes) : dicomParser.parseDicom(bytes, { TransferSyntaxUID: uid })));
  const pixelData = dataSet.elements[T.pixelData];
  // Without the "DICM" prefix, any bytes parse as some data set: call it DICOM only when it holds
  // identifying (group 0008) attributes, as every real data set does.
  if (!part10 && !Object.keys(dataSet.elements).some((tag) => tag.startsWith('x0008'))) {
    throw new CxrError('E_IMAGE_DECODE', 'Not a DICOM file: no "DICM" prefix at byte 128, and no DICOM attributes when read as a bare data set.');
  }
  if (!pixelData || pixelData.length === 0) {
    throw new CxrError('E_DICOM_NO_PIXELS', 'The DICOM file has no Pixel Data (7FE0,0010): it holds no image (a report, a presentation state or a header-only file?).');
  }

  const int = (tag: string, fallback?: number): number => {
    const v = dataSet.uint16(tag);
    if (v !== undefined) return v;
    const s = dataSet.intString(tag);
    if (s !== undefined && Number.isFinite(s)) return s;
    if (fallback !== undefined) return fallback;
    throw new CxrError('E_IMAGE_DECODE', `The DICOM header lacks ${tag.replace(/^x(....)(....)$/, '($1,$2)')}, which decoding needs.`);
  };
  const rows = int(T.rows);
  const columns = int(T.columns);
  const bitsAllocated = int(T.bitsAllocated);
  const bitsStored = int(T.bitsStored, bitsAllocated);
  const pixelRepresentation = int(T.pixelRepresentation, 0);
  const header: DicomHeader = {
    transferSyntax: syntax,
    photometricInterpretation: text(dataSet, T.photometric) ?? 'MONOCHROME2',
    samplesPerPixel: int(T.samplesPerPixel, 1),
    rows,
    columns,
    numberOfFrames: Math.max(1, dataSet.intString(T.frames) ?? 1),
    bitsAllocated,
    bitsStored,
    highBit: int(T.highBit, bitsStored - 1),
    pixelRepresentation,
    rescaleSlope: dataSet.floatString(T.rescaleSlope) ?? 1,
    rescaleIntercept: dataSet.floatString(T.rescaleIntercept) ?? 0,
    modalityLut: firstLut(dataSet, T.modalityLutSequence, pixelRepresentation),
    windows: windows(dataSet),
    // A VOI LUT's input is the modality value, which is signed when the stored values are or rescale makes them so.
    voiLut: firstLut(dataSet, T.voiLutSequence, pixelRepresentation),
    modality: text(dataSet, T.modality),
    viewPosition: text(dataSet, T.viewPosition),
    sopInstanceUid: text(dataSet, T.sopInstanceUid),
  };
  return { header, dataSet, pixelData };
}

/**
 * The encoding of a data set without preamble and meta header, guessed from its first element as
 * DCMTK does: a group number that only makes sense big endian (0x0800 read little endian, for
 * group 0x0008) means big endian; two upper-case letters after the tag mean explicit VR.
 */
function bareDataSetSyntax(bytes: Uint8Array): string {
  if (bytes.length < 8) return IMPLICIT_LE;
  const littleGroup = (bytes[0] as number) | ((bytes[1] as number) << 8);
  const bigGroup = ((bytes[0] as number) << 8) | (bytes[1] as number);
  const isUpper = (b: number | undefined): boolean => b !== undefined && b >= 0x41 && b <= 0x5a;
  const explicit = isUpper(bytes[4]) && isUpper(bytes[5]);
  if (bigGroup < littleGroup && bigGroup <= 0x7fe0) return '1.2.840.10008.1.2.2';
  return explicit ? '1.2.840.10008.1.2.1' : IMPLICIT_LE;
}

function guard<R>(parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    // dicom-parser throws strings, Errors, and objects like { exception: 'message', dataSet }.
    const exception = (error as { exception?: unknown } | null)?.exception;
    const detail = error instanceof Error ? error.message : typeof exception === 'string' ? exception : String(error);
    throw new CxrError('E_IMAGE_DECODE', `Not a readable DICOM file: ${detail}`, { cause: error });
  }
}

function text(dataSet: DataSet, tag: string): string | undefined {
  const value = dataSet.string(tag)?.trim();
  return value ? value : undefined;
}

function windows(dataSet: DataSet): DicomWindow[] {
  const centers = dataSet.numStringValues(T.windowCenter) ?? 0;
  const widths = dataSet.numStringValues(T.windowWidth) ?? 0;
  const fn = text(dataSet, T.voiFunction)?.toUpperCase() as VoiFunction | undefined;
  if (fn !== undefined && fn !== 'LINEAR' && fn !== 'LINEAR_EXACT' && fn !== 'SIGMOID') {
    throw new CxrError('E_UNSUPPORTED_DICOM', `DICOM VOI LUT Function "${String(fn)}" is not supported (LINEAR, LINEAR_EXACT, SIGMOID are).`);
  }
  const out: DicomWindow[] = [];
  for (let i = 0; i < Math.min(centers, widths); i++) {
    const center = dataSet.floatString(T.windowCenter, i);
    const width = dataSet.floatString(T.windowWidth, i);
    if (center !== undefined && width !== undefined && Number.isFinite(center) && Number.isFinite(width)) {
      out.push({ center, width, function: fn ?? 'LINEAR' });
    }
  }
  return out;
}

/** The first LUT of a LUT sequence (LUT Descriptor: entries (0 = 65536), first mapped value, bits). */
function firstLut(dataSet: DataSet, sequenceTag: string, pixelRepresentation: number): DicomLut | undefined {
  const item = dataSet.elements[sequenceTag]?.items?.[0]?.dataSet;
  if (!item) return undefined;
  const descriptor = item.elements[T.lutDescriptor];
  const lutData = item.elements[T.lutData];
  if (!descriptor || !lutData) {
    throw new CxrError('E_IMAGE_DECODE', `The DICOM LUT sequence ${sequenceTag.replace(/^x(....)(....)$/, '($1,$2)')} lacks LUT Descriptor or LUT Data.`);
  }
  const entries = (item.uint16(T.lutDescriptor, 0) ?? 0) || 65536;
  const firstRaw = item.uint16(T.lutDescriptor, 1) ?? 0;
  const firstMapped = pixelRepresentation === 1 && firstRaw >= 0x8000 ? firstRaw - 0x10000 : firstRaw;
  const bits = item.uint16(T.lutDescriptor, 2) ?? 16;
  const available = Math.floor(lutData.length / 2);
  if (available < entries) {
    throw new CxrError('E_IMAGE_DECODE', `A DICOM LUT declares ${entries} entries but its LUT Data holds ${available}.`);
  }
  const data = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) data[i] = item.uint16(T.lutData, i) ?? 0;
  return { firstMapped, bits, data };
}
