/** How `decodeDicom` reads the pixel data of a transfer syntax. */
export type PixelEncoding = 'native-le' | 'native-be' | 'rle' | 'jpeg-baseline';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** Undefined: cxr knows the syntax but cannot decode it (E_UNSUPPORTED_DICOM). */
  encoding?: PixelEncoding;
}

/** Transfer syntaxes by UID (PS3.6 Annex A), with the ones cxr decodes marked by their encoding. */
export const TRANSFER_SYNTAXES: ReadonlyMap<string, TransferSyntax> = new Map(
  (
    [
      ['1.2.840.10008.1.2', 'Implicit VR Little Endian', 'native-le'],
      ['1.2.840.10008.1.2.1', 'Explicit VR Little Endian', 'native-le'],
      ['1.2.840.10008.1.2.2', 'Explicit VR Big Endian (retired)', 'native-be'],
      ['1.2.840.10008.1.2.5', 'RLE Lossless', 'rle'],
      ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1), 8-bit', 'jpeg-baseline'],
      ['1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian'],
      ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4), 12-bit'],
      ['1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)'],
      ['1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)'],
      ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless'],
      ['1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless)'],
      ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Image Compression (Lossless Only)'],
      ['1.2.840.10008.1.2.4.91', 'JPEG 2000 Image Compression'],
      ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 (Lossless Only)'],
      ['1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)'],
      ['1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000'],
      ['1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level'],
      ['1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile / Level 4.1'],
      ['1.2.840.10008.1.2.4.107', 'HEVC/H.265 Main Profile / Level 5.1'],
    ] as Array<[string, string, PixelEncoding?]>
  ).map(([uid, name, encoding]) => [uid, encoding === undefined ? { uid, name } : { uid, name, encoding }]),
);

/** The syntax of `uid`, or an unknown one (named by its UID) that cxr cannot decode. */
export function transferSyntax(uid: string): TransferSyntax {
  return TRANSFER_SYNTAXES.get(uid) ?? { uid, name: 'unknown transfer syntax' };
}

/** UID and name of every transfer syntax `decodeDicom` reads, for docs and error messages. */
export function supportedTransferSyntaxes(): TransferSyntax[] {
  return [...TRANSFER_SYNTAXES.values()].filter((s) => s.encoding !== undefined);
}
