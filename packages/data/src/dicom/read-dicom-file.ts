import { readFile } from 'node:fs/promises';
import { CxrError } from '@cxr/core';
import { checkDecodable, decodeDicom, type DecodeDicomOptions, type DicomImage } from '../dicom.js';
import { parseDicomHeader } from './header.js';

/** The file's bytes; a missing file is `E_NOT_FOUND`, any other read failure `E_IO`. */
async function readDicomBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'E_NOT_FOUND' : 'E_IO';
    throw new CxrError(code, `Cannot read DICOM file ${path}: ${(error as Error).message}`, { path, cause: error });
  }
}

/** Read and decode a DICOM file from disk (see `decodeDicom`); errors carry the path. */
export async function readDicom(path: string, options: DecodeDicomOptions = {}): Promise<DicomImage> {
  const bytes = await readDicomBytes(path);
  try {
    return decodeDicom(bytes, options);
  } catch (error) {
    if (error instanceof CxrError && error.path === undefined) {
      throw new CxrError(error.code, `${path}: ${error.message}`, { path, cause: error });
    }
    throw error;
  }
}

/**
 * What a folder loader needs before decoding (the `readImageInfo` contract): size, one channel,
 * depth 'ushort' (decodeDicomImage gives 16-bit samples), format 'dicom'. Reads the header only
 * (the pixel data is located, not decoded), so unsupported files fail here with their code.
 */
export async function readDicomInfo(path: string): Promise<{ width: number; height: number; channels: number; depth: string; format: string }> {
  const bytes = await readDicomBytes(path);
  try {
    const { header } = parseDicomHeader(bytes);
    checkDecodable(header);
    return { width: header.columns, height: header.rows, channels: 1, depth: 'ushort', format: 'dicom' };
  } catch (error) {
    if (error instanceof CxrError && error.path === undefined) throw new CxrError(error.code, `${path}: ${error.message}`, { path, cause: error });
    throw error;
  }
}
